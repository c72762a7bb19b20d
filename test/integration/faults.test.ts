// The fault suite (issue #3) under worker and inline isolation: see test/helpers/fault-suite.ts.
import { describeFaults } from '../helpers/fault-suite';

describeFaults(['worker', 'inline']);
