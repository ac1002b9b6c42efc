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
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Access } from 'src/common/access/access.decorator';
import { ReqContext, RequestContext } from 'src/common/access/request-context.decorator';
import {
  CreateCustomRecognizerDto,
  CustomRecognizerDto,
  CustomRecognizerListDto,
} from '../dto/custom-recognizer.dto';
import { CustomRecognizersService } from './custom-recognizers.service';

@ApiTags('dlp')
@Controller('v1/dlp/recognizers')
@Access({ roles: ['admin'] })
export class CustomRecognizersController {
  constructor(private readonly recognizers: CustomRecognizersService) {}

  @Post()
  @ApiOperation({
    summary:
      'Add a regex or deny-list recognizer; scans, redaction and store discovery use it within seconds in every process',
  })
  @ApiCreatedResponse({ type: CustomRecognizerDto })
  @ApiBadRequestResponse({ description: 'A field of the wrong shape or size' })
  @ApiConflictResponse({ description: 'The name is taken' })
  @ApiUnprocessableEntityResponse({
    description:
      'Pattern refused (RE2 cannot run it, or it matches the empty string), neither or both of pattern and denyList, or 100 recognizers already',
  })
  create(
    @ReqContext() ctx: RequestContext,
    @Body() body: CreateCustomRecognizerDto,
  ): Promise<CustomRecognizerDto> {
    return this.recognizers.create(ctx, body);
  }

  @Get()
  @ApiOperation({ summary: 'List the custom recognizers' })
  @ApiOkResponse({ type: CustomRecognizerListDto })
  list(): Promise<CustomRecognizerListDto> {
    return this.recognizers.list();
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a custom recognizer; scans stop using it within seconds' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse({ description: 'No such recognizer' })
  async delete(
    @ReqContext() ctx: RequestContext,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<void> {
    await this.recognizers.delete(ctx, id);
  }
}
