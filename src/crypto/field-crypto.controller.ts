import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiGoneResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Access } from 'src/common/access/access.decorator';
import { ReqContext, RequestContext } from 'src/common/access/request-context.decorator';
import {
  BlindIndexRequestDto,
  BlindIndexResponseDto,
  DecryptRequestDto,
  DecryptResponseDto,
  EncryptRequestDto,
  EncryptResponseDto,
  RewrapRequestDto,
  RewrapResponseDto,
} from './dto/field-crypto.dto';
import { FieldCryptoService } from './field-crypto.service';

@ApiTags('field encryption')
@Controller('v1/crypto')
export class FieldCryptoController {
  constructor(private readonly service: FieldCryptoService) {}

  @Post('encrypt')
  @HttpCode(200)
  @Access({ scopes: ['crypto:encrypt'] })
  @ApiOperation({ summary: 'Encrypt up to 1,000 fields, optionally under a subject key' })
  @ApiOkResponse({ type: EncryptResponseDto })
  @ApiBadRequestResponse({ description: 'Invalid body (problem+json)' })
  @ApiPayloadTooLargeResponse({ description: 'Too many fields or a field too large' })
  @ApiGoneResponse({ description: 'The subject was crypto-shredded' })
  @ApiUnprocessableEntityResponse({ description: 'Unknown key alias' })
  @ApiForbiddenResponse({ description: 'The API key is limited to other key aliases' })
  encrypt(
    @ReqContext() ctx: RequestContext,
    @Body() body: EncryptRequestDto,
  ): Promise<EncryptResponseDto> {
    return this.service.encrypt(ctx, body);
  }

  @Post('decrypt')
  @HttpCode(200)
  @Access({ scopes: ['crypto:decrypt'] })
  @ApiOperation({ summary: 'Decrypt up to 1,000 fields (audited with the field count)' })
  @ApiOkResponse({ type: DecryptResponseDto })
  @ApiBadRequestResponse({ description: 'Invalid body (problem+json)' })
  @ApiPayloadTooLargeResponse({ description: 'Too many fields or a field too large' })
  @ApiGoneResponse({ description: 'A ciphertext belongs to a crypto-shredded subject' })
  @ApiUnprocessableEntityResponse({
    description: 'Wrong context, tampered or malformed ciphertext, or unknown key',
  })
  @ApiForbiddenResponse({ description: 'A ciphertext names a key alias the API key may not use' })
  decrypt(
    @ReqContext() ctx: RequestContext,
    @Body() body: DecryptRequestDto,
  ): Promise<DecryptResponseDto> {
    return this.service.decrypt(ctx, body);
  }

  @Post('rewrap')
  @HttpCode(200)
  @Access({ scopes: ['crypto:encrypt', 'crypto:decrypt'], allScopes: true })
  @ApiOperation({
    summary:
      'Re-encrypt up to 1,000 fields under the active key versions without returning the plaintext (needs crypto:encrypt and crypto:decrypt; audited with the field count)',
  })
  @ApiOkResponse({ type: RewrapResponseDto })
  @ApiBadRequestResponse({ description: 'Invalid body (problem+json)' })
  @ApiForbiddenResponse({
    description: 'A scope is missing, or a ciphertext names a key alias the API key may not use',
  })
  @ApiPayloadTooLargeResponse({ description: 'Too many fields or a field too large' })
  @ApiGoneResponse({ description: 'A ciphertext belongs to a crypto-shredded subject' })
  @ApiUnprocessableEntityResponse({
    description: 'Wrong context, tampered or malformed ciphertext, or unknown key',
  })
  rewrap(
    @ReqContext() ctx: RequestContext,
    @Body() body: RewrapRequestDto,
  ): Promise<RewrapResponseDto> {
    return this.service.rewrap(ctx, body);
  }

  @Post('blind-index')
  @HttpCode(200)
  @Access({ scopes: ['crypto:encrypt'] })
  @ApiOperation({ summary: 'Blind index of a value for equality look-ups on one field' })
  @ApiOkResponse({ type: BlindIndexResponseDto })
  @ApiBadRequestResponse({ description: 'Invalid body (problem+json)' })
  @ApiForbiddenResponse({ description: 'The API key is limited to other key aliases' })
  async blindIndex(
    @ReqContext() ctx: RequestContext,
    @Body() body: BlindIndexRequestDto,
  ): Promise<BlindIndexResponseDto> {
    return { blindIndex: await this.service.blindIndexFor(ctx, body.field, body.value) };
  }
}
