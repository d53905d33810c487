import type Koa from 'koa';
import { IdentityResolverToken, type IdentityResolver } from '../application/ports/identity-resolver.port.js';
import { ReservationStoreToken, type ReservationStore } from '../application/ports/reservation-store.port.js';
import { TokenKeysToken, type TokenKeys } from '../application/ports/token-keys.port.js';
import { AddProjectToReservations } from '../application/use-cases/add-project-to-reservations.js';
import { CreateReservation } from '../application/use-cases/create-reservation.js';
import { DeleteReservation } from '../application/use-cases/delete-reservation.js';
import { DoesConflictingReservationExist } from '../application/use-cases/does-conflicting-reservation-exist.js';
import { IsUserScheduled } from '../application/use-cases/is-user-scheduled.js';
import { ListReservationsAtTime } from '../application/use-cases/list-reservations-at-time.js';
import { ListSiteReservations } from '../application/use-cases/list-site-reservations.js';
import { ListUserReservationsEndingAfter } from '../application/use-cases/list-user-reservations.js';
import { ModifyReservation } from '../application/use-cases/modify-reservation.js';
import { RemoveProjectFromReservations } from '../application/use-cases/remove-project-from-reservations.js';
import { ImportSchedules } from '../application/use-cases/import-schedules.js';
import { ListSchedulerObservations } from '../application/use-cases/list-scheduler-observations.js';
import { buildKoaApp } from '../adapters/http/koa/app.js';
import { buildRoutes } from '../adapters/http/routes.js';
import type { AppConfig } from './config.js';
import { ConfigToken, type AppContainer } from './container.js';

/** The Koa application of the calendar API, wired from the container. */
export function createHttpApp({ container, logger }: AppContainer): Koa {
  const config = container.get<AppConfig>(ConfigToken);
  const store = container.get<ReservationStore>(ReservationStoreToken);
  const routes = buildRoutes({
    createReservation: container.get(CreateReservation),
    modifyReservation: container.get(ModifyReservation),
    deleteReservation: container.get(DeleteReservation),
    addProject: container.get(AddProjectToReservations),
    removeProject: container.get(RemoveProjectFromReservations),
    listSiteReservations: container.get(ListSiteReservations),
    listUserReservations: container.get(ListUserReservationsEndingAfter),
    listReservationsAtTime: container.get(ListReservationsAtTime),
    isUserScheduled: container.get(IsUserScheduled),
    doesConflictingReservationExist: container.get(DoesConflictingReservationExist),
    importSchedules: container.get(ImportSchedules),
    listSchedulerObservations: container.get(ListSchedulerObservations),
  });
  return buildKoaApp({
    routes,
    tokenKeys: container.get<TokenKeys>(TokenKeysToken),
    identity: container.get<IdentityResolver>(IdentityResolverToken),
    audience: config.authAudience,
    issuer: config.authIssuer,
    clockToleranceSeconds: config.authClockToleranceSeconds,
    allowAnonymousProjectLinks: config.allowAnonymousProjectLinks,
    rateLimitPerMinute: config.rateLimitPerMinute,
    importTriggersPerMinute: config.importTriggersPerMinute,
    maxInFlight: config.maxInFlight,
    bodyTimeoutSeconds: config.bodyTimeoutSeconds,
    bodyMinBytesPerSecond: config.bodyMinBytesPerSecond,
    logger,
    healthCheck: async () => {
      await store.get('healthz-probe');
    },
  });
}
