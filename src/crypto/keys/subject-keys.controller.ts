import { Controller, Delete, HttpCode, Param } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from 'src/common/access/access.decorator';
import { ReqContext, RequestContext } from 'src/common/access/request-context.decorator';
import { SubjectParamDto } from '../dto/subject-param.dto';
import { KeyManagementService } from './key-management.service';

@ApiTags('field encryption')
@Controller('v1/subjects')
export class SubjectKeysController {
  constructor(private readonly keys: KeyManagementService) {}

  @Delete(':subjectId/keys')
  @HttpCode(204)
  @Access({ roles: ['admin', 'dpo'] })
  @ApiOperation({
    summary:
      "Crypto-shredding: destroy the subject's data key; its ciphertexts answer 410 from now on",
  })
  @ApiNoContentResponse({ description: 'Destroyed (or already destroyed)' })
  shred(@ReqContext() ctx: RequestContext, @Param() params: SubjectParamDto): Promise<void> {
    return this.keys.shredSubject(ctx, params.subjectId);
  }
}
