CREATE TABLE `audit_events` (
	`event_id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`seq` integer NOT NULL,
	`at` text NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`entity_type` text NOT NULL,
	`entity_id` text NOT NULL,
	`case_id` text,
	`changes` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `audit_org_seq` ON `audit_events` (`org_id`,`seq`);--> statement-breakpoint
CREATE INDEX `audit_org_entity_seq` ON `audit_events` (`org_id`,`entity_id`,`seq`);--> statement-breakpoint
CREATE INDEX `audit_org_case_seq` ON `audit_events` (`org_id`,`case_id`,`seq`);--> statement-breakpoint
CREATE INDEX `audit_org_at` ON `audit_events` (`org_id`,`at`);--> statement-breakpoint
CREATE TABLE `cases` (
	`case_id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`seq` integer NOT NULL,
	`title` text NOT NULL,
	`description` text,
	`label` text NOT NULL,
	`status` text NOT NULL,
	`severity` text NOT NULL,
	`reactivity_time` text NOT NULL,
	`reactivity_deadline` text,
	`origin_role` text,
	`site` text,
	`area` text,
	`tags` text NOT NULL,
	`metadata` text NOT NULL,
	`person_id` text,
	`escalation_level` integer NOT NULL,
	`reacted_at` text,
	`created_by` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`version` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cases_org_seq` ON `cases` (`org_id`,`seq`);--> statement-breakpoint
CREATE INDEX `cases_org_status_seq` ON `cases` (`org_id`,`status`,`seq`);--> statement-breakpoint
CREATE INDEX `cases_org_label_seq` ON `cases` (`org_id`,`label`,`seq`);--> statement-breakpoint
CREATE INDEX `cases_org_severity_seq` ON `cases` (`org_id`,`severity`,`seq`);--> statement-breakpoint
CREATE TABLE `notifications` (
	`notification_id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`seq` integer NOT NULL,
	`at` text NOT NULL,
	`event` text NOT NULL,
	`channel` text NOT NULL,
	`recipient` text NOT NULL,
	`entity_type` text NOT NULL,
	`entity_id` text NOT NULL,
	`case_id` text,
	`status` text NOT NULL,
	`attempts` integer NOT NULL,
	`payload` text NOT NULL,
	`version` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notifications_org_seq` ON `notifications` (`org_id`,`seq`);--> statement-breakpoint
CREATE INDEX `notifications_org_recipient_seq` ON `notifications` (`org_id`,`recipient`,`seq`);--> statement-breakpoint
CREATE TABLE `orgs` (
	`org_id` text PRIMARY KEY NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`profile` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `orgs_slug` ON `orgs` (`slug`);--> statement-breakpoint
CREATE TABLE `roles` (
	`role_id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`name` text NOT NULL,
	`parent` text,
	`seq` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `roles_org_name` ON `roles` (`org_id`,`name`);--> statement-breakpoint
CREATE INDEX `roles_org_seq` ON `roles` (`org_id`,`seq`);--> statement-breakpoint
CREATE TABLE `signals` (
	`signal_id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`seq` integer NOT NULL,
	`source` text NOT NULL,
	`idempotency_key` text,
	`title` text NOT NULL,
	`body` text,
	`severity` text,
	`label` text,
	`site` text,
	`area` text,
	`metadata` text NOT NULL,
	`person_id` text,
	`occurred_at` text NOT NULL,
	`received_at` text NOT NULL,
	`case_id` text,
	`matched_rules` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `signals_org_seq` ON `signals` (`org_id`,`seq`);--> statement-breakpoint
CREATE INDEX `signals_org_case_seq` ON `signals` (`org_id`,`case_id`,`seq`);--> statement-breakpoint
CREATE INDEX `signals_org_received` ON `signals` (`org_id`,`received_at`);--> statement-breakpoint
CREATE TABLE `tasks` (
	`task_id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`case_id` text NOT NULL,
	`seq` integer NOT NULL,
	`title` text NOT NULL,
	`type` text,
	`subtype` text,
	`status` text NOT NULL,
	`label` text NOT NULL,
	`owner_role_id` text,
	`owner_role` text,
	`severity` text NOT NULL,
	`reactivity_time` text NOT NULL,
	`reactivity_deadline` text,
	`reacted_at` text,
	`due_at` text,
	`escalation_level` integer NOT NULL,
	`site` text,
	`area` text,
	`created_by` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`version` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tasks_org_seq` ON `tasks` (`org_id`,`seq`);--> statement-breakpoint
CREATE INDEX `tasks_org_status_seq` ON `tasks` (`org_id`,`status`,`seq`);--> statement-breakpoint
CREATE INDEX `tasks_org_label_seq` ON `tasks` (`org_id`,`label`,`seq`);--> statement-breakpoint
CREATE INDEX `tasks_org_case_seq` ON `tasks` (`org_id`,`case_id`,`seq`);--> statement-breakpoint
CREATE TABLE `tokens` (
	`token_id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`token_hash` text NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`user_id` text,
	`admin` integer NOT NULL,
	`positions` text NOT NULL,
	`expires_at` text,
	`revoked_at` text,
	`created_at` text NOT NULL,
	`version` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tokens_hash` ON `tokens` (`token_hash`);--> statement-breakpoint
CREATE INDEX `tokens_org` ON `tokens` (`org_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `users` (
	`user_id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`seq` integer NOT NULL,
	`email` text NOT NULL,
	`display_name` text NOT NULL,
	`admin` integer NOT NULL,
	`positions` text NOT NULL,
	`password_hash` text,
	`active` integer NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`version` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_org_email` ON `users` (`org_id`,`email`);--> statement-breakpoint
CREATE INDEX `users_org_seq` ON `users` (`org_id`,`seq`);