import { AddProjectToReservations } from './add-project-to-reservations.js';
import { CreateReservation } from './create-reservation.js';
import { DeleteReservation } from './delete-reservation.js';
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

/**
 * Every use case, by the name the drivers call it: the one list of them. The composition root binds
 * each (its dependency table is keyed by these names, so a use case added here without its wiring
 * does not compile) and the route table receives them as `UseCases`.
 */
export const USE_CASES = {
  createReservation: CreateReservation,
  modifyReservation: ModifyReservation,
  deleteReservation: DeleteReservation,
  eventHistory: GetEventHistory,
  restoreEvent: RestoreEvent,
  listChanges: ListChanges,
  purgeHistory: PurgeHistory,
  siteCalendarFeed: SiteCalendarFeed,
  userCalendarFeed: UserCalendarFeed,
  issueFeedKey: IssueFeedKey,
  listSites: ListSites,
  availability: GetAvailability,
  addProject: AddProjectToReservations,
  removeProject: RemoveProjectFromReservations,
  listSiteReservations: ListSiteReservations,
  listUserReservations: ListUserReservationsEndingAfter,
  listReservationsAtTime: ListReservationsAtTime,
  isUserScheduled: IsUserScheduled,
  doesConflictingReservationExist: DoesConflictingReservationExist,
  importSchedules: ImportSchedules,
  listSchedulerObservations: ListSchedulerObservations,
} as const;

export type UseCaseName = keyof typeof USE_CASES;
export type UseCases = { readonly [K in UseCaseName]: InstanceType<(typeof USE_CASES)[K]> };
