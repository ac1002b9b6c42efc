import { Module } from '@nestjs/common';
import { DlpController } from './dlp.controller';
import { DlpService } from './dlp.service';
import { CustomRecognizerRegistry } from './recognizers/custom-recognizer-registry';
import { CustomRecognizerRepository } from './recognizers/custom-recognizer.repository';
import { CustomRecognizersController } from './recognizers/custom-recognizers.controller';
import { CustomRecognizersService } from './recognizers/custom-recognizers.service';

@Module({
  controllers: [DlpController, CustomRecognizersController],
  providers: [
    DlpService,
    CustomRecognizerRepository,
    CustomRecognizerRegistry,
    CustomRecognizersService,
  ],
  exports: [CustomRecognizerRegistry],
})
export class DlpModule {}
