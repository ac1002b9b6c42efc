import { Module } from '@nestjs/common';
import { PagesController } from './pages.controller';
import { QueueBoardSessionController } from './queue-board/queue-board-session.controller';

@Module({ controllers: [PagesController, QueueBoardSessionController] })
export class PagesModule {}
