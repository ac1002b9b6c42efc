import { Controller, Get, Header, HttpCode, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, Public } from 'src/common/access/access.decorator';
import { ReqContext, RequestContext } from 'src/common/access/request-context.decorator';
import { JwksDto, SigningKeyDto } from '../dto/receipt.dto';
import { ReceiptSigner } from './receipt-signer.service';

@ApiTags('consent')
@Controller('v1')
export class JwksController {
  constructor(private readonly signer: ReceiptSigner) {}

  @Get('.well-known/jwks.json')
  @Public('public')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({
    summary: 'Public keys for consent receipts (by kid; keys stay listed after rotation)',
  })
  @ApiOkResponse({ type: JwksDto })
  async jwks(): Promise<JwksDto> {
    return { keys: await this.signer.publicKeys() };
  }

  @Post('admin/consent/signing-keys/rotate')
  @HttpCode(201)
  @Access({ roles: ['admin'] })
  @ApiOperation({ summary: 'Start signing receipts with a new key; the old one stays published' })
  @ApiCreatedResponse({ type: SigningKeyDto })
  rotate(@ReqContext() ctx: RequestContext): Promise<SigningKeyDto> {
    return this.signer.rotate(ctx);
  }
}
