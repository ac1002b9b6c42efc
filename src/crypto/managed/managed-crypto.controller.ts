import { applyDecorators, Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Access } from 'src/common/access/access.decorator';
import { ReqContext, RequestContext } from 'src/common/access/request-context.decorator';
import {
  HmacRequestDto,
  HmacResponseDto,
  HmacVerifyRequestDto,
  SignRequestDto,
  SignResponseDto,
  VerifyRequestDto,
  VerifyResponseDto,
} from '../dto/managed-crypto.dto';
import { ManagedCryptoService } from './managed-crypto.service';

const WRONG_KEY =
  'Key of the wrong type, algorithm not of the key, malformed value, or key version disabled / below minDecryptionVersion (the detail names it)';

/** The refusals every managed-key operation shares; `unknown` says which key was not found. */
function ManagedKeyProblems(unknown: string): MethodDecorator {
  return applyDecorators(
    ApiBadRequestResponse({ description: 'Invalid body (problem+json)' }),
    ApiNotFoundResponse({ description: unknown }),
    ApiForbiddenResponse({ description: 'The API key is limited to other key aliases' }),
    ApiPayloadTooLargeResponse({ description: 'data over 64 KiB' }),
    ApiUnprocessableEntityResponse({ description: WRONG_KEY }),
  );
}

@ApiTags('field encryption')
@Controller('v1/crypto')
export class ManagedCryptoController {
  constructor(private readonly service: ManagedCryptoService) {}

  @Post('hmac')
  @HttpCode(200)
  @Access({ scopes: ['crypto:encrypt'] })
  @ApiOperation({
    summary: 'HMAC-SHA-256 of data under the active version of an hmac-sha256 keyring',
  })
  @ApiOkResponse({ type: HmacResponseDto })
  @ManagedKeyProblems('No key with this alias')
  async hmac(
    @ReqContext() ctx: RequestContext,
    @Body() body: HmacRequestDto,
  ): Promise<HmacResponseDto> {
    return { hmac: await this.service.hmac(ctx, body.keyAlias, body.data, body.encoding) };
  }

  @Post('hmac/verify')
  @HttpCode(200)
  @Access({ scopes: ['crypto:encrypt', 'crypto:decrypt'] })
  @ApiOperation({ summary: 'Checks an HMAC under the key version it names' })
  @ApiOkResponse({ type: VerifyResponseDto })
  @ManagedKeyProblems('No key with this alias and version')
  async verifyHmac(
    @ReqContext() ctx: RequestContext,
    @Body() body: HmacVerifyRequestDto,
  ): Promise<VerifyResponseDto> {
    return {
      valid: await this.service.verifyHmac(ctx, body.keyAlias, body.data, body.encoding, body.hmac),
    };
  }

  @Post('sign')
  @HttpCode(200)
  @Access({ scopes: ['crypto:encrypt'] })
  @ApiOperation({
    summary:
      'Signs data with the active version of an ecdsa-p256 (ES256) or ed25519 (EdDSA) keyring',
  })
  @ApiOkResponse({ type: SignResponseDto })
  @ManagedKeyProblems('No key with this alias')
  async sign(
    @ReqContext() ctx: RequestContext,
    @Body() body: SignRequestDto,
  ): Promise<SignResponseDto> {
    return {
      signature: await this.service.sign(
        ctx,
        body.keyAlias,
        body.data,
        body.encoding,
        body.algorithm,
      ),
    };
  }

  @Post('verify')
  @HttpCode(200)
  @Access({ scopes: ['crypto:encrypt', 'crypto:decrypt'] })
  @ApiOperation({
    summary:
      'Verifies a signature with the public key of the version it names (also after rotations)',
  })
  @ApiOkResponse({ type: VerifyResponseDto })
  @ManagedKeyProblems('No key with this alias and version')
  async verify(
    @ReqContext() ctx: RequestContext,
    @Body() body: VerifyRequestDto,
  ): Promise<VerifyResponseDto> {
    return {
      valid: await this.service.verify(
        ctx,
        body.keyAlias,
        body.data,
        body.encoding,
        body.signature,
      ),
    };
  }
}
