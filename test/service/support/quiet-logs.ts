import { Logger } from '@nestjs/common';

// Services log through Nest's Logger; specs assert outcomes, not log lines.
Logger.overrideLogger(false);
