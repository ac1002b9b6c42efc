import { applyDecorators, UseInterceptors } from '@nestjs/common';
import { Public } from 'src/common/access/access.decorator';
import { LoginAttemptsInterceptor } from './login-attempts.interceptor';

/**
 * A login or MFA endpoint: public, outside the request budgets, and limited by failed attempts
 * instead (LoginAttemptsInterceptor). Its module imports LoginAttemptsModule.
 */
export const LoginRoute = (): MethodDecorator & ClassDecorator =>
  applyDecorators(Public('login'), UseInterceptors(LoginAttemptsInterceptor));
