import type { Jurisdiction, RequestType } from 'src/privacy-requests/deadlines/deadline-rules';
import type { RequestStatus, TaskStatus } from 'src/privacy-requests/privacy-request.state';

/**
 * Every word the privacy center and the console show, in one place per language. The server
 * renders the static parts; `client` goes to the page's scripts as JSON, so they hold no text.
 */
export interface PageTexts {
  lang: string;
  common: {
    skipToContent: string;
    serviceName: string;
    required: string;
  };
  privacy: {
    title: string;
    intro: string;
    gpcHeading: string;
    gpcNotice: string;
    formHeading: string;
    typeLabel: string;
    typeHint: string;
    jurisdictionLabel: string;
    jurisdictionHint: string;
    jurisdictionDefault: string;
    jurisdictionOptions: Record<Jurisdiction, string>;
    emailLabel: string;
    emailHint: string;
    submit: string;
    codeHeading: string;
    codeIntro: string;
    codeLabel: string;
    codeHint: string;
    codeSubmit: string;
    startOver: string;
    statusHeading: string;
    statusIntro: string;
    noRequests: string;
    newRequest: string;
  };
  console: {
    title: string;
    loginHeading: string;
    emailLabel: string;
    passwordLabel: string;
    loginSubmit: string;
    mfaHeading: string;
    mfaIntro: string;
    codeLabel: string;
    codeHint: string;
    codeSubmit: string;
    passkeySubmit: string;
    cancel: string;
    navLabel: string;
    navRequests: string;
    navSla: string;
    navIncidents: string;
    navAlerts: string;
    navQueueBoard: string;
    logout: string;
    requestsHeading: string;
    filtersLegend: string;
    filterStatus: string;
    filterType: string;
    filterOverdue: string;
    filterDueBefore: string;
    filterAny: string;
    filterApply: string;
    colDue: string;
    colType: string;
    colStatus: string;
    colJurisdiction: string;
    colReceived: string;
    colActions: string;
    more: string;
    detailHeading: string;
    tasksHeading: string;
    eventsHeading: string;
    actionsHeading: string;
    reasonLabel: string;
    reasonHint: string;
    extend: string;
    reject: string;
    retry: string;
    closeDetail: string;
    slaHeading: string;
    incidentsHeading: string;
    alertsHeading: string;
    colTitle: string;
    colDetected: string;
    colNotifyBy: string;
    colAuthorityNotified: string;
    colKind: string;
    colSeverity: string;
    colAt: string;
    colActor: string;
    colDataStore: string;
    colAttempts: string;
    colDetail: string;
    colAction: string;
  };
  /** Sent to the browser as JSON: messages and labels the scripts put on the page. */
  client: ClientTexts;
}

export interface ClientTexts {
  types: Record<RequestType, string>;
  statuses: Record<RequestStatus, string>;
  statusExplained: Record<RequestStatus, string>;
  taskStatuses: Record<TaskStatus, string>;
  jurisdictions: Record<Jurisdiction, string>;
  errors: {
    network: string;
    invalid: string;
    wrongCode: string;
    codeExpired: string;
    tooMany: string;
    tooManyIn: string;
    mailUnavailable: string;
    notFound: string;
    conflict: string;
    forbidden: string;
    badLogin: string;
    sessionEnded: string;
    generic: string;
  };
  privacy: {
    sending: string;
    codeSentTo: string;
    optOutQueued: string;
    gpcAlsoFiled: string;
    gpcDetected: string;
    verified: string;
    requestHeading: string;
    reference: string;
    type: string;
    status: string;
    received: string;
    dueBy: string;
    dueByValue: string;
    extended: string;
    rejectionReason: string;
    completed: string;
    download: string;
    downloadExpires: string;
    refresh: string;
    forget: string;
    refreshed: string;
  };
  console: {
    loggedIn: string;
    loggedOut: string;
    overdue: string;
    loading: string;
    noRequests: string;
    open: string;
    extended: string;
    rejected: string;
    retried: string;
    reasonRequired: string;
    noTasks: string;
    noEvents: string;
    noIncidents: string;
    noAlerts: string;
    alertsUnavailable: string;
    incidentsUnavailable: string;
    notYet: string;
    yes: string;
    no: string;
    sla: {
      open: string;
      overdue: string;
      dueWithin7Days: string;
      completedLast30Days: string;
      medianDaysToComplete: string;
      incidentsPastDeadline: string;
      byTypeChart: string;
      byStatusChart: string;
      chartData: string;
      count: string;
    };
    boardOpening: string;
    passkeyUnavailable: string;
    passkeyFailed: string;
    detailFor: string;
  };
}
