import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Put,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
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
import { toDataStoreDto } from './data-store.mapper';
import { DataStoresService } from './data-stores.service';
import {
  CreateDataStoreDto,
  DataStoreDto,
  DataStoreListDto,
  DataStoreTestResultDto,
  UpdateDataStoreDto,
} from './dto/data-store.dto';
import { ErasurePlanDto, ErasurePlanRequestDto } from './dto/erasure-plan.dto';

const DESCRIPTION_RULES =
  "The description is checked against the live catalogue, foreign keys included. A collection whose fields say `delete` (or nothing) has the subject's rows deleted; otherwise they are kept and the named fields set to null, masked or hashed (the identity column is always changed). `references` say how rows reach the subject through a parent. Rows that point by a foreign key at rows an erasure deletes, and that are kept or not described, are unlinked (key set NULL) before the delete when the key is nullable; ON DELETE CASCADE / SET NULL keys are left to the store and counted. A NOT NULL key that would block such a delete is a 422 naming the collection, column and constraint. Access: admin.";

@ApiTags('data-stores')
@Controller('v1/data-stores')
export class DataStoresController {
  constructor(private readonly stores: DataStoresService) {}

  @Post()
  @Access({ roles: ['admin'] })
  @ApiOperation({
    summary: 'Register a data store; the description is checked against its live catalogue',
    description: DESCRIPTION_RULES,
  })
  @ApiCreatedResponse({ type: DataStoreDto })
  @ApiUnprocessableEntityResponse({
    description:
      'Description or connection problems, listed (e.g. `deleting orders rows would be refused by foreign key payments_order_fk: payments.order_id is NOT NULL and payments is not described; ...`; an http store whose host is not in DATA_STORE_ALLOWED_HOSTS: field connection.url)',
  })
  async create(
    @ReqContext() ctx: RequestContext,
    @Body() body: CreateDataStoreDto,
  ): Promise<DataStoreDto> {
    return toDataStoreDto(await this.stores.create(ctx, body));
  }

  @Get()
  @Access({ roles: ['admin', 'dpo', 'auditor'] })
  @ApiOperation({ summary: 'List data stores (connection secrets are never returned)' })
  @ApiOkResponse({ type: DataStoreListDto })
  async list(): Promise<DataStoreListDto> {
    return { items: (await this.stores.list()).map(toDataStoreDto), nextCursor: null };
  }

  @Get(':id')
  @Access({ roles: ['admin', 'dpo', 'auditor'] })
  @ApiOperation({ summary: 'One data store' })
  @ApiOkResponse({ type: DataStoreDto })
  @ApiNotFoundResponse({ description: 'No such store' })
  async get(@Param('id', new ParseUUIDPipe()) id: string): Promise<DataStoreDto> {
    return toDataStoreDto(await this.stores.get(id));
  }

  @Put(':id')
  @Access({ roles: ['admin'] })
  @ApiOperation({
    summary: 'Replace name, description and optionally the connection',
    description: DESCRIPTION_RULES,
  })
  @ApiOkResponse({ type: DataStoreDto })
  @ApiNotFoundResponse({ description: 'No such store' })
  @ApiUnprocessableEntityResponse({
    description:
      'Description or connection problems, listed (e.g. `deleting orders rows would be refused by foreign key payments_order_fk: payments.order_id is NOT NULL and payments is not described; ...`; an http store whose host is not in DATA_STORE_ALLOWED_HOSTS: field connection.url)',
  })
  async update(
    @ReqContext() ctx: RequestContext,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdateDataStoreDto,
  ): Promise<DataStoreDto> {
    return toDataStoreDto(await this.stores.update(ctx, id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @Access({ roles: ['admin'] })
  @ApiOperation({ summary: 'Remove a data store from the registry' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiNotFoundResponse({ description: 'No such store' })
  async remove(
    @ReqContext() ctx: RequestContext,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<void> {
    await this.stores.remove(ctx, id);
  }

  @Post(':id/test')
  @HttpCode(200)
  @Access({ roles: ['admin'] })
  @ApiOperation({ summary: 'Try to reach the store' })
  @ApiOkResponse({ type: DataStoreTestResultDto })
  @ApiNotFoundResponse({ description: 'No such store' })
  test(
    @ReqContext() ctx: RequestContext,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<DataStoreTestResultDto> {
    return this.stores.test(ctx, id);
  }

  @Post(':id/erasure-plan')
  @HttpCode(200)
  @Access({ roles: ['admin', 'dpo'] })
  @ApiOperation({
    summary: 'Dry run: the steps an erasure of a subject would run in this SQL store, with counts',
    description:
      'Reads the store in a read-only transaction and changes nothing. The steps come from the same planner as the erasure itself and its after-check, in the order the erasure runs them: rows are unlinked or deleted before the rows they point at. Counts only, never values; the subject is neither stored nor audited. Access: admin, dpo.',
  })
  @ApiBody({
    type: ErasurePlanRequestDto,
    examples: {
      email: { value: { subject: { email: 'jane@example.com' } } },
      subjectId: { value: { subject: { subjectId: 'cust-1029' } } },
    },
  })
  @ApiOkResponse({ type: ErasurePlanDto })
  @ApiBadRequestResponse({ description: 'Empty or malformed subject (problem+json)' })
  @ApiNotFoundResponse({ description: 'No such store' })
  @ApiUnprocessableEntityResponse({
    description:
      'An http store (it erases by itself), a store whose keys now block the described erasure, or a store that cannot be read',
  })
  async erasurePlan(
    @ReqContext() ctx: RequestContext,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: ErasurePlanRequestDto,
  ): Promise<ErasurePlanDto> {
    return { steps: await this.stores.planErasure(ctx, id, body.subject) };
  }
}
