import { Controller, Get, Header, NotFoundException, Param, Res } from '@nestjs/common';
import { Public } from '../auth/public.decorator.js';
import type { GatewayReply } from '../http/request-context.js';
import { ApiReference } from './api-reference.service.js';
import { ApiRoute } from './route-description.js';
import { DOCS_CSP, loadDocsAssets } from './swagger-ui.js';

@Public()
@Controller('docs')
export class DocsController {
  private readonly assets = loadDocsAssets();

  constructor(private readonly reference: ApiReference) {}

  @Get()
  @ApiRoute({
    summary:
      'This documentation as a page: Swagger UI over the OpenAPI document (no CDN; without JavaScript, a table).',
    responses: { '200': { description: 'HTML.', contentType: 'text/html' } },
  })
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('content-security-policy', DOCS_CSP)
  html(): string {
    return this.reference.page;
  }

  @Get('openapi.json')
  @ApiRoute({
    summary: 'This OpenAPI 3.1 document, built at startup from the routes the gateway registered.',
    responses: { '200': { description: 'JSON.', contentType: 'application/json' } },
  })
  openapi(): Record<string, unknown> {
    return this.reference.document;
  }

  @Get('assets/:file')
  @ApiRoute({ undocumented: "Swagger UI's own files, which the /docs page loads." })
  asset(@Param('file') file: string, @Res({ passthrough: true }) response: GatewayReply): Buffer {
    const asset = this.assets.get(file);
    if (!asset) throw new NotFoundException();
    response.header('content-type', asset.contentType);
    response.header('cache-control', 'public, max-age=3600');
    return asset.body;
  }
}
