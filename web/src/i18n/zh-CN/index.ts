import common from './common';
import applicant from './applicant';
import review from './review';
import finance from './finance';
import bank from './bank';
import admin from './admin';
import audit from './audit';
import pub from './public';

export default { ...common, applicant, review, finance, bank, admin, audit, public: pub };
