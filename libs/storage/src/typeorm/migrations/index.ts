import { InitialSchema1763683200000 } from './1763683200000-initial-schema';

/** Every migration, oldest first. */
export const EVENT_LOG_MIGRATIONS = [InitialSchema1763683200000];
