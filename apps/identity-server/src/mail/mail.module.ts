import { Global, Module } from '@nestjs/common';
import { OutboxController } from './outbox.controller.js';
import { OutboxService } from './outbox.service.js';

@Global()
@Module({
  controllers: [OutboxController],
  providers: [OutboxService],
  exports: [OutboxService],
})
export class MailModule {}
