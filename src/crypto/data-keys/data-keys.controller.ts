import { Body, Controller, Header, HttpCode, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Access } from 'src/common/access/access.decorator';
import { ReqContext, RequestContext } from 'src/common/access/request-context.decorator';
import {
  GenerateDataKeyRequestDto,
  GeneratedDataKeyDto,
  UnwrapDataKeyRequestDto,
  UnwrappedDataKeyDto,
} from '../dto/data-keys.dto';
import { DataKeysService } from './data-keys.service';

@ApiTags('field encryption')
@Controller('v1/crypto/data-keys')
export class DataKeysController {
  constructor(private readonly service: DataKeysService) {}

  @Post()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Access({ scopes: ['crypto:encrypt'] })
  @ApiOperation({
    summary:
      'A data key for client-side encryption: the key (base64) and its wrapped form to store (needs crypto:encrypt; audited with the alias)',
  })
  @ApiOkResponse({ type: GeneratedDataKeyDto })
  @ApiBadRequestResponse({ description: 'Invalid body (problem+json)' })
  @ApiForbiddenResponse({ description: 'The API key is limited to other key aliases' })
  @ApiUnprocessableEntityResponse({ description: 'Unknown key alias' })
  generate(
    @ReqContext() ctx: RequestContext,
    @Body() body: GenerateDataKeyRequestDto,
  ): Promise<GeneratedDataKeyDto> {
    return this.service.generate(ctx, body);
  }

  @Post('unwrap')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Access({ scopes: ['crypto:decrypt'] })
  @ApiOperation({
    summary: 'The data key of a wrapped key (needs crypto:decrypt; audited with the alias)',
  })
  @ApiOkResponse({ type: UnwrappedDataKeyDto })
  @ApiBadRequestResponse({ description: 'Invalid body (problem+json)' })
  @ApiForbiddenResponse({
    description: 'The wrapped key names a key alias the API key may not use',
  })
  @ApiUnprocessableEntityResponse({
    description:
      'Wrong context, tampered or malformed wrapped key, unknown key, or a provider that cannot unwrap',
  })
  unwrap(
    @ReqContext() ctx: RequestContext,
    @Body() body: UnwrapDataKeyRequestDto,
  ): Promise<UnwrappedDataKeyDto> {
    return this.service.unwrap(ctx, body);
  }
}
