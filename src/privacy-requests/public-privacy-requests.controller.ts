import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Res,
  StreamableFile,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiHeader,
  ApiGoneResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from 'src/common/access/access.decorator';
import { ReqContext, RequestContext } from 'src/common/access/request-context.decorator';
import {
  CreatedPublicPrivacyRequestDto,
  CreatePublicPrivacyRequestDto,
  VerifyDto,
} from './dto/privacy-request.dto';
import { SubjectStatusDto, VerifiedPrivacyRequestDto } from './dto/subject-status.dto';
import { PrivacyRequestIntakeService } from './intake/privacy-request-intake.service';
import { PrivacyRequestViewService } from './privacy-request-view.service';
import { SubjectStatusService } from './status/subject-status.service';

/** The token of `Authorization: Bearer <token>`; anything else counts as no token. */
const bearer = (header?: string): string | undefined =>
  /^Bearer ([A-Za-z0-9_-]{1,200})$/.exec(header ?? '')?.[1];

@ApiTags('public')
@Controller('v1/public')
export class PublicPrivacyRequestsController {
  constructor(
    private readonly intake: PrivacyRequestIntakeService,
    private readonly view: PrivacyRequestViewService,
    private readonly status: SubjectStatusService,
  ) {}

  @Post('privacy-requests')
  @HttpCode(202)
  @Public('public')
  @ApiOperation({
    summary: 'File a request as a data subject; a one-time code is mailed',
    description:
      'Access and erasure wait for the code mailed to `email` (`pending_verification`). Opt-outs of sale and sharing need no verification (CCPA §7026(d)): they are queued at once (`queued`), answered with the `statusToken` to look them up with, and no mail is sent (the address is not verified). `Sec-GPC: 1` (Global Privacy Control) on this call is an opt-out of sale and of sharing: both are filed and queued at once under the CCPA (unless the body names a jurisdiction), besides what the body asks for, and their ids are in `gpcOptOuts`. Rate-limited per IP like every public call. Access: the public.',
  })
  @ApiHeader({
    name: 'Sec-GPC',
    required: false,
    description: '`1`: the browser signals Global Privacy Control, an opt-out of sale and sharing',
  })
  @ApiBody({
    type: CreatePublicPrivacyRequestDto,
    examples: {
      erasure: { value: { type: 'erasure', email: 'jane@example.com' } },
      optOut: { value: { type: 'opt_out_sale', email: 'jane@example.com' } },
    },
  })
  @ApiAcceptedResponse({ type: CreatedPublicPrivacyRequestDto })
  @ApiTooManyRequestsResponse({ description: 'Too many public calls from this address' })
  @ApiServiceUnavailableResponse({
    description: 'The mail server did not take the code (problem+json); file again later',
  })
  async create(
    @ReqContext() ctx: RequestContext,
    @Body() body: CreatePublicPrivacyRequestDto,
    @Headers('sec-gpc') gpc?: string,
  ): Promise<CreatedPublicPrivacyRequestDto> {
    const { request: r, statusToken } = await this.intake.fromPublic(ctx, body);
    if (gpc?.trim() !== '1') {
      return { id: r.id, status: r.status, statusToken };
    }
    const optOuts = await this.intake.fromGlobalPrivacyControl(ctx, body);
    return { id: r.id, status: r.status, statusToken, gpcOptOuts: optOuts.map((o) => o.id) };
  }

  @Post('privacy-requests/:id/verify')
  @HttpCode(200)
  @Public('public')
  @ApiOperation({
    summary: 'Verify with the mailed code (5 tries, 15 minutes)',
    description:
      'Queues the request, mails the receipt with the local due date, and answers the `statusToken` the subject looks the request up with. Access: public, rate-limited per IP.',
  })
  @ApiOkResponse({ type: VerifiedPrivacyRequestDto })
  @ApiUnprocessableEntityResponse({ description: 'Wrong code' })
  @ApiGoneResponse({ description: 'The code expired' })
  @ApiTooManyRequestsResponse({ description: 'Five wrong codes: locked' })
  async verify(
    @ReqContext() ctx: RequestContext,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: VerifyDto,
  ): Promise<VerifiedPrivacyRequestDto> {
    const { request, statusToken } = await this.intake.verify(ctx, id, body.code);
    return { id: request.id, status: request.status, statusToken };
  }

  @Get('privacy-requests/:id')
  @Public('public')
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'A data subject looks their request up: status, local due date, download link',
    description:
      'Opened by the `statusToken` that verification answered, sent as `Authorization: Bearer <statusToken>` (never in the URL). A completed access request also gives a fresh download link. Access: public with the status token, rate-limited per IP; an unknown id and a wrong token are the same 404.',
  })
  @ApiOkResponse({ type: SubjectStatusDto })
  @ApiUnauthorizedResponse({ description: 'No status token (problem+json)' })
  @ApiNotFoundResponse({ description: 'Unknown request, or a token that does not open it' })
  @ApiTooManyRequestsResponse({ description: 'Rate limited (Retry-After)' })
  lookup(
    @ReqContext() ctx: RequestContext,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Headers('authorization') authorization?: string,
  ): Promise<SubjectStatusDto> {
    return this.status.lookup(ctx, id, bearer(authorization));
  }

  @Get('exports/:token')
  @Public('public')
  @ApiOperation({ summary: 'Download an access package through its signed, expiring link' })
  @ApiProduces('application/zip')
  @ApiOkResponse({ description: 'The ZIP package' })
  @ApiNotFoundResponse({ description: 'Unknown, tampered or expired link' })
  async download(
    @ReqContext() ctx: RequestContext,
    @Param('token') token: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const { id, body } = await this.view.download(ctx, token);
    res.setHeader('Cache-Control', 'no-store');
    return new StreamableFile(body, {
      type: 'application/zip',
      disposition: `attachment; filename="privacy-export-${id}.zip"`,
    });
  }
}
