import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
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
  encrypt(@Body() body: EncryptRequestDto): Promise<EncryptResponseDto> {
    return this.service.encrypt(body);
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
  decrypt(
    @ReqContext() ctx: RequestContext,
    @Body() body: DecryptRequestDto,
  ): Promise<DecryptResponseDto> {
    return this.service.decrypt(ctx, body);
  }

  @Post('blind-index')
  @HttpCode(200)
  @Access({ scopes: ['crypto:encrypt'] })
  @ApiOperation({ summary: 'Blind index of a value for equality look-ups on one field' })
  @ApiOkResponse({ type: BlindIndexResponseDto })
  @ApiBadRequestResponse({ description: 'Invalid body (problem+json)' })
  blindIndex(@Body() body: BlindIndexRequestDto): BlindIndexResponseDto {
    return { blindIndex: this.service.blindIndex(body.field, body.value) };
  }
}
