import { Controller, Get, Header, Headers } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Public } from 'src/common/access/access.decorator';
import { consolePage } from './render/console.page';
import { privacyPage } from './render/privacy.page';
import { pageTextsFor } from './texts/page-languages';

/** The two pages; everything they do afterwards goes through the public API from the browser. */
@ApiTags('pages')
@Controller()
@Public()
export class PagesController {
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
  privacy(@Headers('accept-language') language?: string): string {
    return privacyPage(pageTextsFor(language));
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
  console(@Headers('accept-language') language?: string): string {
    return consolePage(pageTextsFor(language));
  }
}
