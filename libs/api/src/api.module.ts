// The API's Nest module: controllers, the auth guard, the use-case service, bound to what the
// serving process hands over (ApiDeps).
import { Module, type DynamicModule } from '@nestjs/common';
import { API_DEPS, type ApiDeps } from './api-deps';
import { ApiService } from './api.service';
import { AssetsController, OpsController, RunsController } from './http/api.controllers';
import { BearerAuthGuard } from './http/auth.guard';

@Module({})
export class ApiModule {
  static forRoot(deps: ApiDeps): DynamicModule {
    return {
      module: ApiModule,
      controllers: [AssetsController, RunsController, OpsController],
      providers: [{ provide: API_DEPS, useValue: deps }, { provide: ApiService, useValue: new ApiService(deps) }, BearerAuthGuard],
      exports: [ApiService],
    };
  }
}
