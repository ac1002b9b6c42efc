import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
} from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type {
  PublicKeyCredentialCreationOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { Authenticated, OpenDuringMfaEnrolment } from 'src/common/access/access.decorator';
import { ReqContext, RequestContext } from 'src/common/access/request-context.decorator';
import { AuthError, AuthErrorCode } from '../auth.error';
import { PasskeyDto, PasskeyListDto, RegisterPasskeyDto } from '../dto/webauthn.dto';
import { WebauthnService } from './webauthn.service';

function userIdOf(ctx: RequestContext): string {
  if (ctx.caller?.kind !== 'user') {
    throw new AuthError(AuthErrorCode.Forbidden, 'Only admin users have passkeys.');
  }
  return ctx.caller.id;
}

@ApiTags('auth')
@Controller('v1/auth/mfa/webauthn')
@Authenticated()
@OpenDuringMfaEnrolment()
export class WebauthnController {
  constructor(private readonly webauthn: WebauthnService) {}

  @Post('register/options')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Start enrolling a passkey: options for navigator.credentials.create()',
    description:
      'Access rule: any admin user, for itself (API keys get 403); open while MFA_REQUIRED waits for a second factor. Attestation none; the challenge is good for 5 minutes and one register/verify.',
  })
  @ApiOkResponse({ description: 'PublicKeyCredentialCreationOptionsJSON' })
  options(@ReqContext() ctx: RequestContext): Promise<PublicKeyCredentialCreationOptionsJSON> {
    return this.webauthn.registrationOptions(userIdOf(ctx));
  }

  @Post('register/verify')
  @ApiOperation({
    summary: 'Finish enrolling a passkey under a name',
    description:
      'Access rule: any admin user, for itself. From now on login asks for a second factor (mfaRequired).',
  })
  @ApiCreatedResponse({ type: PasskeyDto })
  @ApiUnprocessableEntityResponse({
    description: 'The response does not verify, or the challenge is spent or expired',
  })
  @ApiConflictResponse({ description: 'This passkey is registered already' })
  verify(@ReqContext() ctx: RequestContext, @Body() body: RegisterPasskeyDto): Promise<PasskeyDto> {
    return this.webauthn.register(
      ctx,
      userIdOf(ctx),
      body.name,
      body.response as unknown as RegistrationResponseJSON,
    );
  }

  @Get('credentials')
  @ApiOperation({
    summary: "The caller's passkeys",
    description: 'Access rule: any admin user, for itself.',
  })
  @ApiOkResponse({ type: PasskeyListDto })
  async list(@ReqContext() ctx: RequestContext): Promise<PasskeyListDto> {
    return { items: await this.webauthn.list(userIdOf(ctx)), nextCursor: null };
  }

  @Delete('credentials/:id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Remove one of the caller’s passkeys',
    description: 'Access rule: any admin user, for its own passkeys (404 for any other).',
  })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiNotFoundResponse({ description: 'No such passkey of the caller (problem+json)' })
  async remove(
    @ReqContext() ctx: RequestContext,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<void> {
    await this.webauthn.remove(ctx, userIdOf(ctx), id);
  }
}
