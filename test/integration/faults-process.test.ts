// The fault suite (issue #14) under process isolation: see test/helpers/fault-suite.ts.
import { describeFaults } from '../helpers/fault-suite';

describeFaults(['process']);
