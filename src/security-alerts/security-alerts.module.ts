import { Module } from '@nestjs/common';
import { AuthModule } from 'src/auth/auth.module';
import { MailTransport } from 'src/privacy-requests/notifications/mail-transport.service';
import { AlertWebhook } from './alert-webhook';
import { SecurityAlertsController } from './security-alerts.controller';
import { SecurityAlertsRepository } from './security-alerts.repository';
import { SecurityAlertsService } from './security-alerts.service';

@Module({
  imports: [AuthModule],
  controllers: [SecurityAlertsController],
  providers: [SecurityAlertsService, SecurityAlertsRepository, AlertWebhook, MailTransport],
})
export class SecurityAlertsModule {}
