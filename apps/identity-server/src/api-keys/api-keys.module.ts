import { Module } from '@nestjs/common';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeysService } from './api-keys.service.js';
import { PersonalApiKeysController } from './personal-api-keys.controller.js';
import { PersonalApiKeysService } from './personal-api-keys.service.js';

@Module({
  controllers: [ApiKeysController, PersonalApiKeysController],
  providers: [ApiKeysService, PersonalApiKeysService],
  exports: [ApiKeysService, PersonalApiKeysService],
})
export class ApiKeysModule {}
