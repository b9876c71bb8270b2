import { Module } from '@nestjs/common';
import { ResourcesController } from './resources.controller.js';
import { ResourcesRepository } from './resources.repository.js';
import { CatalogService } from './resources.service.js';

/** The resource catalog; exports CatalogService for the decision point. */
@Module({
  controllers: [ResourcesController],
  providers: [ResourcesRepository, CatalogService],
  exports: [CatalogService],
})
export class ResourcesModule {}
