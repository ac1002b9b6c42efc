import { Module } from '@nestjs/common';
import { IncidentRepository } from './incident.repository';
import { IncidentsController } from './incidents.controller';
import { IncidentsService } from './incidents.service';

@Module({
  controllers: [IncidentsController],
  providers: [IncidentRepository, IncidentsService],
  exports: [IncidentsService],
})
export class IncidentsModule {}
