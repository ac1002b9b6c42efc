export const MANUAL_TASK_REMINDER_QUEUE = 'manual-task-reminders';

export enum ManualTaskReminderJob {
  /** Hourly: reminds DPOs of manual tasks still waiting as their request's due date nears. */
  Remind = 'remind-waiting-tasks',
}
