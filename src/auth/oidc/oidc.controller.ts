import { Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiFoundResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ReqContext, RequestContext } from 'src/common/access/request-context.decorator';
import { AppConfig } from 'src/config/app-config';
import { LoginRoute } from 'src/rate-limit/login-route.decorator';
import { TokenDto } from '../dto/login.dto';
import { OidcLoginService } from './oidc-login.service';

const STATE_COOKIE = 'oidc_state';
const HANDOFF_COOKIE = 'oidc_handoff';
const COOKIE_PATH = '/v1/auth/oidc';
/** Where a browser lands after single sign-on; the page collects its tokens from /session. */
const CONSOLE_LANDING = '/console#sso';

function cookieOf(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) {
      return value.join('=');
    }
  }
  return undefined;
}

function wantsJson(req: Request): boolean {
  return req.accepts(['html', 'json']) === 'json';
}

@ApiTags('auth')
@Controller('v1/auth/oidc')
export class OidcController {
  private readonly secure: boolean;

  constructor(
    private readonly oidc: OidcLoginService,
    config: AppConfig,
  ) {
    this.secure = config.publicBaseUrl.startsWith('https:');
  }

  @Get('login')
  @LoginRoute()
  @ApiOperation({
    summary: 'Start single sign-on: redirects to the OpenID provider',
    description:
      'Access rule: anyone. Authorization code flow with PKCE (S256), state and nonce; the state is also set as an HttpOnly cookie that the callback must bring back. 404 when OIDC_ISSUER is not set.',
  })
  @ApiQuery({ name: 'loginHint', required: false, description: 'Passed on as login_hint' })
  @ApiFoundResponse({ description: 'Location: the provider’s authorization endpoint' })
  @ApiNotFoundResponse({ description: 'Single sign-on is not configured (problem+json)' })
  @ApiServiceUnavailableResponse({ description: 'The provider cannot be reached (problem+json)' })
  async login(@Query('loginHint') loginHint: unknown, @Res() res: Response): Promise<void> {
    const hint = typeof loginHint === 'string' && loginHint.length <= 254 ? loginHint : undefined;
    const { url, state } = await this.oidc.start(hint);
    res.cookie(STATE_COOKIE, state, this.cookie(this.oidc.attemptTtlSeconds));
    res.redirect(302, url);
  }

  @Get('callback')
  @LoginRoute()
  @ApiOperation({
    summary: 'Where the OpenID provider sends the browser back',
    description:
      "Access rule: anyone returning from the provider with the state cookie of /login. The user's roles come from the OIDC_ROLES_CLAIM claim on every login (no known role: 403, and every open session of that user is ended); a user is created on first login, once even when two first logins race. With Accept: application/json the answer is the tokens as JSON; otherwise a redirect to /console#sso with a single-use HttpOnly cookie that POST /v1/auth/oidc/session trades for the tokens, so no token is ever put in a URL.",
  })
  @ApiOkResponse({ type: TokenDto, description: 'With Accept: application/json' })
  @ApiFoundResponse({ description: 'Location: /console#sso (browsers)' })
  @ApiUnauthorizedResponse({ description: 'State, nonce, code or ID token refused' })
  async callback(
    @ReqContext() ctx: RequestContext,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const params = Object.fromEntries(
      Object.entries(req.query).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
    res.clearCookie(STATE_COOKIE, this.cookie(0));
    const user = await this.oidc.callback(ctx, params, cookieOf(req, STATE_COOKIE));
    if (wantsJson(req)) {
      res.status(200).json(await this.oidc.openSession(ctx, user));
      return;
    }
    const code = await this.oidc.handoff(user.id);
    res.cookie(HANDOFF_COOKIE, code, this.cookie(this.oidc.handoffTtlSeconds));
    res.redirect(302, CONSOLE_LANDING);
  }

  @Post('session')
  @HttpCode(200)
  @LoginRoute()
  @ApiOperation({
    summary: 'Collect the tokens of a single sign-on that ended in this browser',
    description:
      'Access rule: the browser holding the single-use oidc_handoff cookie set by the callback (60 seconds).',
  })
  @ApiOkResponse({ type: TokenDto })
  @ApiUnauthorizedResponse({ description: 'No sign-in waiting for this browser (problem+json)' })
  async session(
    @ReqContext() ctx: RequestContext,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TokenDto> {
    res.clearCookie(HANDOFF_COOKIE, this.cookie(0));
    return this.oidc.exchange(ctx, cookieOf(req, HANDOFF_COOKIE));
  }

  private cookie(maxAgeSeconds: number) {
    return {
      httpOnly: true,
      sameSite: 'lax' as const,
      secure: this.secure,
      path: COOKIE_PATH,
      ...(maxAgeSeconds > 0 ? { maxAge: maxAgeSeconds * 1000 } : {}),
    };
  }
}
