import { Controller, Delete, Headers, HttpCode, Post, Res } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Access } from 'src/common/access/access.decorator';
import { boardCookie, clearedBoardCookie, secondsLeft } from './queue-board-cookie';

const bearer = (header?: string): string => /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1] ?? '';

@ApiTags('admin')
@Controller('v1/admin/queue-board/session')
export class QueueBoardSessionController {
  @Post()
  @HttpCode(204)
  @Access({ roles: ['admin'] })
  @ApiOperation({
    summary: 'Let this browser open the queue board (/admin/queues) with a cookie',
    description:
      'Sets `queue_board_session`: `HttpOnly`, `Secure`, `SameSite=Strict`, `Path=/admin/queues`, living as long as the access token it carries. Every board request checks the token and that its session is still active, so logging out or revoking the session closes the board too. Access: admin (users only).',
  })
  @ApiNoContentResponse({ description: 'The cookie is set (Set-Cookie)' })
  open(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): void {
    const token = bearer(authorization);
    res.setHeader('Set-Cookie', boardCookie(token, secondsLeft(token)));
  }

  @Delete()
  @HttpCode(204)
  @Access({ roles: ['admin'] })
  @ApiOperation({
    summary: "Remove this browser's queue board cookie",
    description: 'Access: admin (users only).',
  })
  @ApiNoContentResponse({ description: 'The cookie is cleared (Set-Cookie)' })
  close(@Res({ passthrough: true }) res: Response): void {
    res.setHeader('Set-Cookie', clearedBoardCookie());
  }
}
