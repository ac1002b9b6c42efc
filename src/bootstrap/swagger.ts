import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { describeAccess } from 'src/common/access/access-rule-text';
import { ACCESS_EXTENSION, AccessRule } from 'src/common/access/access.decorator';

/** Every operation's description states its access rule, taken from its access metadata. */
function describeAccessRules(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const value of Object.values(item) as unknown[]) {
      const op = value as { description?: string; [ACCESS_EXTENSION]?: AccessRule } | undefined;
      const rule = op?.[ACCESS_EXTENSION];
      if (op && rule) {
        const access = `**Access:** ${describeAccess(rule)}`;
        op.description = op.description ? `${op.description}\n\n${access}` : access;
      }
    }
  }
  return document;
}

export function buildOpenApiDocument(app: INestApplication) {
  const config = new DocumentBuilder()
    .setTitle('Privacy Service')
    .setDescription(
      'Consent, PII discovery, field encryption and data-subject requests. ' +
        'Errors are application/problem+json (RFC 9457). Lists take ?limit= and ?cursor=.',
    )
    .setVersion('1')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      description: 'An admin access token or an API key',
    })
    .build();
  return describeAccessRules(SwaggerModule.createDocument(app, config));
}

export function setupSwagger(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    customSiteTitle: 'Privacy Service API',
  });
}
