import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Res,
  StreamableFile,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiGoneResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from 'src/common/access/access.decorator';
import { ReqContext, RequestContext } from 'src/common/access/request-context.decorator';
import {
  CreatedPrivacyRequestDto,
  CreatePublicPrivacyRequestDto,
  VerifyDto,
} from './dto/privacy-request.dto';
import { PrivacyRequestIntakeService } from './intake/privacy-request-intake.service';
import { PrivacyRequestViewService } from './privacy-request-view.service';

@ApiTags('public')
@Controller('v1/public')
export class PublicPrivacyRequestsController {
  constructor(
    private readonly intake: PrivacyRequestIntakeService,
    private readonly view: PrivacyRequestViewService,
  ) {}

  @Post('privacy-requests')
  @HttpCode(202)
  @Public('public')
  @ApiOperation({ summary: 'File a request as a data subject; a one-time code is mailed' })
  @ApiAcceptedResponse({ type: CreatedPrivacyRequestDto })
  async create(
    @ReqContext() ctx: RequestContext,
    @Body() body: CreatePublicPrivacyRequestDto,
  ): Promise<CreatedPrivacyRequestDto> {
    const r = await this.intake.fromPublic(ctx, body);
    return { id: r.id, status: r.status };
  }

  @Post('privacy-requests/:id/verify')
  @HttpCode(200)
  @Public('public')
  @ApiOperation({ summary: 'Verify with the mailed code (5 tries, 15 minutes)' })
  @ApiOkResponse({ type: CreatedPrivacyRequestDto })
  @ApiUnprocessableEntityResponse({ description: 'Wrong code' })
  @ApiGoneResponse({ description: 'The code expired' })
  @ApiTooManyRequestsResponse({ description: 'Five wrong codes: locked' })
  async verify(
    @ReqContext() ctx: RequestContext,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: VerifyDto,
  ): Promise<CreatedPrivacyRequestDto> {
    const r = await this.intake.verify(ctx, id, body.code);
    return { id: r.id, status: r.status };
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
