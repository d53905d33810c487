import { ClockToken } from '../ports/clock.port.js';
import { FeedCursorCodecToken } from '../ports/feed-cursors.port.js';
import { FeedKeyCodecToken, FeedKeyStoreToken } from '../ports/feed-keys.port.js';
import { LcoClientToken, ReadThroughLcoClientToken } from '../ports/lco-client.port.js';
import { MetricsToken } from '../ports/metrics.port.js';
import { ProjectsGatewayToken, ReadThroughProjectsGatewayToken } from '../ports/projects-gateway.port.js';
import { EventJournalToken } from '../ports/event-journal.port.js';
import { ReservationQueriesToken } from '../ports/reservation-queries.port.js';
import { SiteRegistryToken } from '../ports/site-registry.port.js';
import { ReservationStoreToken } from '../ports/reservation-store.port.js';
import { ScheduleTrackingStoreToken } from '../ports/schedule-tracking-store.port.js';
import { SiteProxySecretsToken } from '../ports/site-proxy-secrets.port.js';
import { CalendarFeedSettingsToken, HistorySettingsToken, ImportSettingsToken, ListCapsToken, ReservationRulesToken } from '../settings.js';
import { FairShareToken } from '../fair-share.js';
import { SkyToken } from '../sky.js';
import type { Token } from '../token.js';
import { AddProjectToReservations } from './add-project-to-reservations.js';
import { CreateReservation } from './create-reservation.js';
import { DeleteReservation } from './delete-reservation.js';
import { GetAllowance } from './get-allowance.js';
import { GetEventHistory } from './get-event-history.js';
import { RestoreEvent } from './restore-event.js';
import { ListChanges } from './list-changes.js';
import { PurgeHistory } from './purge-history.js';
import { SiteCalendarFeed } from './site-calendar-feed.js';
import { GetAvailability, ListSites } from './sky-queries.js';
import { IssueFeedKey, UserCalendarFeed } from './user-calendar-feed.js';
import { DoesConflictingReservationExist } from './does-conflicting-reservation-exist.js';
import { ImportSchedules } from './import-schedules.js';
import { IsUserScheduled } from './is-user-scheduled.js';
import { ListReservationsAtTime } from './list-reservations-at-time.js';
import { ListSchedulerObservations } from './list-scheduler-observations.js';
import { ListSiteReservations } from './list-site-reservations.js';
import { ListUserReservationsEndingAfter } from './list-user-reservations.js';
import { ModifyReservation } from './modify-reservation.js';
import { RemoveProjectFromReservations } from './remove-project-from-reservations.js';

type Constructor = new (...args: never[]) => object;
/** The tokens of a constructor's parameters, in order, each of its parameter's type. */
type TokensOf<P extends readonly unknown[]> = { readonly [I in keyof P]: Token<P[I]> };

/** A use case: its class and the tokens of what its constructor takes, checked against the constructor. */
interface UseCaseDeclaration<C extends Constructor = Constructor> {
  readonly Class: C;
  readonly needs: TokensOf<ConstructorParameters<C>>;
}

export const useCase = <C extends Constructor>(Class: C, needs: NoInfer<TokensOf<ConstructorParameters<C>>>): UseCaseDeclaration<C> => ({ Class, needs });

/**
 * Every use case, by the name the drivers call it, with what it needs: the one list of them. The
 * composition root binds each to a factory of these tokens, and the route table receives them as
 * `UseCases`. A token of the wrong type for its parameter, or one missing, does not compile.
 */
export const USE_CASES = {
  createReservation: useCase(CreateReservation, [ReservationStoreToken, ClockToken, ReservationRulesToken, SkyToken, FairShareToken]),
  modifyReservation: useCase(ModifyReservation, [ReservationStoreToken, ClockToken, ReservationRulesToken, SkyToken, FairShareToken]),
  deleteReservation: useCase(DeleteReservation, [ReservationStoreToken, ClockToken, FairShareToken]),
  eventHistory: useCase(GetEventHistory, [EventJournalToken]),
  restoreEvent: useCase(RestoreEvent, [ReservationStoreToken, ClockToken, FairShareToken]),
  listChanges: useCase(ListChanges, [ReservationStoreToken, ClockToken, HistorySettingsToken, FeedCursorCodecToken]),
  purgeHistory: useCase(PurgeHistory, [EventJournalToken, ClockToken, HistorySettingsToken]),
  siteCalendarFeed: useCase(SiteCalendarFeed, [ReservationStoreToken, ClockToken, CalendarFeedSettingsToken]),
  userCalendarFeed: useCase(UserCalendarFeed, [ReservationQueriesToken, FeedKeyStoreToken, FeedKeyCodecToken, ClockToken, CalendarFeedSettingsToken]),
  issueFeedKey: useCase(IssueFeedKey, [FeedKeyStoreToken, FeedKeyCodecToken, ClockToken]),
  listSites: useCase(ListSites, [SiteRegistryToken, SkyToken]),
  availability: useCase(GetAvailability, [ReservationQueriesToken, SkyToken, ListCapsToken, ClockToken]),
  allowance: useCase(GetAllowance, [ReservationQueriesToken, ClockToken, FairShareToken]),
  addProject: useCase(AddProjectToReservations, [ReservationStoreToken, ClockToken, FairShareToken]),
  removeProject: useCase(RemoveProjectFromReservations, [ReservationStoreToken, ClockToken, FairShareToken]),
  listSiteReservations: useCase(ListSiteReservations, [ReservationQueriesToken, ReadThroughProjectsGatewayToken, ListCapsToken]),
  listUserReservations: useCase(ListUserReservationsEndingAfter, [ReservationQueriesToken, ListCapsToken]),
  listReservationsAtTime: useCase(ListReservationsAtTime, [ReservationQueriesToken, ListCapsToken]),
  isUserScheduled: useCase(IsUserScheduled, [ReservationQueriesToken]),
  doesConflictingReservationExist: useCase(DoesConflictingReservationExist, [ReservationQueriesToken]),
  importSchedules: useCase(ImportSchedules, [
    ReservationStoreToken, ProjectsGatewayToken, LcoClientToken, SiteProxySecretsToken, ScheduleTrackingStoreToken, ClockToken,
    ImportSettingsToken, MetricsToken,
  ]),
  listSchedulerObservations: useCase(ListSchedulerObservations, [ReadThroughLcoClientToken, SiteProxySecretsToken, ImportSettingsToken, ListCapsToken]),
} as const;

export type UseCaseName = keyof typeof USE_CASES;
export type UseCases = { readonly [K in UseCaseName]: InstanceType<(typeof USE_CASES)[K]['Class']> };
