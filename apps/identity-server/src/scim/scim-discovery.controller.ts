import { Controller, Get, Inject, Param, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { resourceTypes, schemaResources, ScimError, serviceProviderConfig } from '#scim';
import { Public } from '../common/decorators.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { ScimAuthGuard, ScimContentType } from './scim-auth.guard.js';
import { SCIM_BASE_PATH } from './scim-errors.js';
import { listResponse, MAX_RESULTS } from './scim-protocol.js';

/** RFC 7644 §4 discovery: what this server supports, described exactly. */
@ApiExcludeController()
@Public()
@UseGuards(ScimAuthGuard)
@UseInterceptors(ScimContentType)
@Controller('scim/v2')
export class ScimDiscoveryController {
  private readonly base: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.base = `${config.publicUrl}${SCIM_BASE_PATH}`;
  }

  @Get('ServiceProviderConfig')
  serviceProviderConfig() {
    return serviceProviderConfig(this.base, { maxResults: MAX_RESULTS });
  }

  /** Microsoft's SCIM reference code (and its test collection) reads it under this name. */
  @Get('serviceConfiguration')
  serviceConfiguration() {
    return this.serviceProviderConfig();
  }

  @Get('ResourceTypes')
  resourceTypes() {
    const all = resourceTypes(this.base);
    return listResponse(all, all.length, 1);
  }

  @Get('ResourceTypes/:name')
  resourceType(@Param('name') name: string) {
    return one(resourceTypes(this.base), name, 'resource type');
  }

  @Get('Schemas')
  schemas() {
    const all = schemaResources(this.base);
    return listResponse(all, all.length, 1);
  }

  @Get('Schemas/:urn')
  schema(@Param('urn') urn: string) {
    return one(schemaResources(this.base), urn, 'schema');
  }
}

function one(resources: object[], id: string, what: string): object {
  const found = resources.find((r) => {
    const rid = (r as { id?: unknown }).id;
    return typeof rid === 'string' && rid.toLowerCase() === id.toLowerCase();
  });
  if (!found) throw new ScimError(404, undefined, `No ${what} "${id}"`);
  return found;
}
