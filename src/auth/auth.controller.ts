import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { Authenticated, OpenDuringMfaEnrolment } from 'src/common/access/access.decorator';
import { Caller } from 'src/common/access/caller';
import { CurrentCaller } from 'src/common/access/current-caller.decorator';
import { ReqContext, RequestContext } from 'src/common/access/request-context.decorator';
import { LoginRoute } from 'src/rate-limit/login-route.decorator';
import { AuthError, AuthErrorCode } from './auth.error';
import { AuthService, LoginResult } from './auth.service';
import {
  BackupCodesDto,
  LoginDto,
  LoginResponseDto,
  MfaConfirmDto,
  MfaVerifyDto,
  RefreshDto,
  TokenDto,
  TotpEnrollDto,
} from './dto/login.dto';
import { WebauthnLoginOptionsDto } from './dto/webauthn.dto';
import { WhoAmIDto } from './dto/whoami.dto';
import { MfaService } from './mfa/mfa.service';

function userIdOf(caller: Caller | undefined): string {
  if (caller?.kind !== 'user') {
    throw new AuthError(AuthErrorCode.Forbidden, 'Only admin users can do this.');
  }
  return caller.id;
}

@ApiTags('auth')
@Controller('v1/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly mfa: MfaService,
  ) {}

  @Post('login')
  @HttpCode(200)
  @LoginRoute()
  @ApiOperation({ summary: 'Log in; answers mfaRequired when the user has a second factor' })
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiTooManyRequestsResponse({ description: 'Too many attempts for this account or IP' })
  login(@ReqContext() ctx: RequestContext, @Body() body: LoginDto): Promise<LoginResult> {
    return this.auth.login(ctx, body.email, body.password);
  }

  @Post('refresh')
  @HttpCode(200)
  @LoginRoute()
  @ApiOperation({
    summary: 'Trade a refresh token for a new access token and a new refresh token',
    description:
      'Access rule: anyone holding a refresh token of a live session. The presented refresh token is spent; a session unused for SESSION_IDLE_TIMEOUT or older than SESSION_MAX_AGE refreshes no more (401).',
  })
  @ApiOkResponse({ type: TokenDto })
  refresh(@ReqContext() ctx: RequestContext, @Body() body: RefreshDto): Promise<TokenDto> {
    return this.auth.refresh(ctx, body.refreshToken);
  }

  @Post('mfa/verify')
  @HttpCode(200)
  @LoginRoute()
  @ApiOperation({
    summary: 'Finish an MFA login with a TOTP code, a backup code or a passkey assertion',
    description: 'Access rule: anyone holding an mfaToken; exactly one of code and webauthn.',
  })
  @ApiOkResponse({ type: TokenDto })
  verify(@ReqContext() ctx: RequestContext, @Body() body: MfaVerifyDto): Promise<TokenDto> {
    return this.auth.verifyMfa(ctx, body.mfaToken, {
      code: body.code,
      webauthn: body.webauthn,
    });
  }

  @Post('mfa/webauthn/options')
  @HttpCode(200)
  @LoginRoute()
  @ApiOperation({
    summary: 'Passkey options for the second step of a login',
    description:
      'Access rule: anyone holding an mfaToken of a user with a passkey. Pass the options to navigator.credentials.get() and send the result as webauthn to POST /v1/auth/mfa/verify; the challenge serves that one MFA token once.',
  })
  @ApiOkResponse({ description: 'PublicKeyCredentialRequestOptionsJSON' })
  webauthnOptions(
    @Body() body: WebauthnLoginOptionsDto,
  ): Promise<PublicKeyCredentialRequestOptionsJSON> {
    return this.auth.webauthnOptions(body.mfaToken);
  }

  @Post('mfa/totp/enroll')
  @OpenDuringMfaEnrolment()
  @HttpCode(200)
  @Authenticated()
  @ApiOperation({ summary: 'Start TOTP enrolment; confirm with a code to turn it on' })
  @ApiOkResponse({ type: TotpEnrollDto })
  enroll(@ReqContext() ctx: RequestContext): Promise<TotpEnrollDto> {
    return this.mfa.enroll(ctx, userIdOf(ctx.caller));
  }

  @Post('mfa/totp/confirm')
  @OpenDuringMfaEnrolment()
  @HttpCode(200)
  @Authenticated()
  @ApiOperation({ summary: 'Turn TOTP on; returns ten single-use backup codes, once' })
  @ApiOkResponse({ type: BackupCodesDto })
  confirm(@ReqContext() ctx: RequestContext, @Body() body: MfaConfirmDto): Promise<BackupCodesDto> {
    return this.mfa.confirm(ctx, userIdOf(ctx.caller), body.code);
  }

  @Post('logout')
  @OpenDuringMfaEnrolment()
  @HttpCode(204)
  @Authenticated()
  @ApiOperation({ summary: "Revoke the access token's session" })
  async logout(
    @ReqContext() ctx: RequestContext,
    @CurrentCaller() caller: Caller | undefined,
  ): Promise<void> {
    if (caller?.kind !== 'user') {
      throw new AuthError(AuthErrorCode.Forbidden, 'Only admin users have sessions.');
    }
    await this.auth.logout(ctx, caller.id, caller.sessionId);
  }

  @Get('whoami')
  @OpenDuringMfaEnrolment()
  @Authenticated()
  @ApiOperation({ summary: 'The caller this request authenticates as' })
  @ApiOkResponse({
    type: WhoAmIDto,
    example: { kind: 'apiKey', id: '3f1c2a9e-6b1d-4c1e-9f7a-2d4b8e6c0a55' },
  })
  whoami(@CurrentCaller() caller: Caller | undefined): WhoAmIDto {
    if (!caller) {
      throw new AuthError(AuthErrorCode.Unauthenticated, 'Missing or invalid credentials.');
    }
    return { kind: caller.kind, id: caller.id };
  }
}
