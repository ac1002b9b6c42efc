import { Controller, Get, Header, Headers, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { createHash } from 'node:crypto';
import { Public } from 'src/common/access/access.decorator';
import { consolePage } from './render/console.page';
import { privacyPage } from './render/privacy.page';
import type { PageTexts } from './texts/page-texts';
import { pageTextsFor } from './texts/page-languages';

interface RenderedPage {
  html: string;
  etag: string;
}

/**
 * A page depends only on its language's texts, so each is rendered once, with an ETag: `no-cache`
 * makes a browser revalidate, and an unchanged page answers 304.
 */
function servePage(
  res: Response,
  cache: WeakMap<PageTexts, RenderedPage>,
  language: string | undefined,
  render: (texts: PageTexts) => string,
): string {
  const texts = pageTextsFor(language);
  let page = cache.get(texts);
  if (!page) {
    const html = render(texts);
    page = { html, etag: `"${createHash('sha256').update(html).digest('base64url')}"` };
    cache.set(texts, page);
  }
  res.setHeader('ETag', page.etag);
  return page.html;
}

/** The two pages; everything they do afterwards goes through the public API from the browser. */
@ApiTags('pages')
@Controller()
@Public()
export class PagesController {
  private readonly privacyPages = new WeakMap<PageTexts, RenderedPage>();
  private readonly consolePages = new WeakMap<PageTexts, RenderedPage>();

  @Get('privacy')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  @ApiOperation({
    summary: 'Privacy center: data subjects file a request, confirm it and follow it',
    description:
      'An HTML page (texts in the first language of `Accept-Language` the service has, else English). Its script calls `/v1/public/privacy-requests`. Access: the public.',
  })
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'The page' })
  privacy(
    @Headers('accept-language') language: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): string {
    return servePage(res, this.privacyPages, language, privacyPage);
  }

  @Get('console')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  @ApiOperation({
    summary: 'Console for admin users: requests, deadlines, incidents, alerts, queue board',
    description:
      'An HTML page; the page itself is public, and everything it shows comes from the API after logging in (roles admin, dpo, auditor as each endpoint allows). Access: the public (the page), admin users (its data).',
  })
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'The page' })
  console(
    @Headers('accept-language') language: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): string {
    return servePage(res, this.consolePages, language, consolePage);
  }
}
