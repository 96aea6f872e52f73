CREATE TABLE `dim_category` (
	`category` integer NOT NULL,
	`subcategory` integer NOT NULL,
	`category_name` text NOT NULL,
	`subcategory_name` text NOT NULL,
	PRIMARY KEY(`category`, `subcategory`)
);
--> statement-breakpoint
CREATE TABLE `dim_location` (
	`org_id` text NOT NULL,
	`site` text NOT NULL,
	`area` text NOT NULL,
	PRIMARY KEY(`org_id`, `site`, `area`)
);
--> statement-breakpoint
CREATE TABLE `dim_role` (
	`org_id` text NOT NULL,
	`role` text NOT NULL,
	`parent` text,
	`department` text NOT NULL,
	PRIMARY KEY(`org_id`, `role`)
);
--> statement-breakpoint
CREATE TABLE `dim_time` (
	`date` text PRIMARY KEY NOT NULL,
	`year` integer NOT NULL,
	`quarter` integer NOT NULL,
	`month` integer NOT NULL,
	`iso_year` integer NOT NULL,
	`iso_week` integer NOT NULL,
	`day_of_week` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `fact_cases` (
	`case_id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`label` text NOT NULL,
	`origin_label` text,
	`base` integer NOT NULL,
	`category` integer NOT NULL,
	`subcategory` integer NOT NULL,
	`role` text NOT NULL,
	`department` text NOT NULL,
	`site` text,
	`area` text,
	`severity` text NOT NULL,
	`status` text NOT NULL,
	`created_at` integer NOT NULL,
	`created_date` text NOT NULL,
	`reacted_at` integer,
	`resolved_at` integer,
	`closed_at` integer,
	`reactivity_deadline` integer,
	`reactivity_met` integer,
	`escalation_count` integer NOT NULL,
	`profile_version` integer NOT NULL,
	`created_by` text,
	`version` integer NOT NULL,
	`pattern_rule` text
);
--> statement-breakpoint
CREATE INDEX `fact_cases_org_created` ON `fact_cases` (`org_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `fact_cases_org_status` ON `fact_cases` (`org_id`,`status`,`created_at`);--> statement-breakpoint
CREATE TABLE `fact_tasks` (
	`task_id` text PRIMARY KEY NOT NULL,
	`case_id` text NOT NULL,
	`org_id` text NOT NULL,
	`label` text NOT NULL,
	`origin_label` text,
	`base` integer NOT NULL,
	`category` integer NOT NULL,
	`subcategory` integer NOT NULL,
	`role` text NOT NULL,
	`department` text NOT NULL,
	`site` text,
	`area` text,
	`severity` text NOT NULL,
	`status` text NOT NULL,
	`created_at` integer NOT NULL,
	`created_date` text NOT NULL,
	`reacted_at` integer,
	`resolved_at` integer,
	`closed_at` integer,
	`reactivity_deadline` integer,
	`reactivity_met` integer,
	`escalation_count` integer NOT NULL,
	`profile_version` integer NOT NULL,
	`created_by` text,
	`version` integer NOT NULL,
	`owner_role` text,
	`type` text,
	`subtype` text
);
--> statement-breakpoint
CREATE INDEX `fact_tasks_org_created` ON `fact_tasks` (`org_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `fact_tasks_org_status` ON `fact_tasks` (`org_id`,`status`,`created_at`);--> statement-breakpoint
ALTER TABLE `cases` ADD `profile_version` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `tasks` ADD `profile_version` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
-- Category names (a profile may not rename them yet): the contract names 1 operations, 5 training, 9 crisis; subcategory 1 request, 4 report, 5 broadcast.
INSERT INTO `dim_category` (`category`, `subcategory`, `category_name`, `subcategory_name`) VALUES
(1, 1, 'operations', 'request'),
(1, 2, 'operations', 'incident'),
(1, 3, 'operations', 'update'),
(1, 4, 'operations', 'report'),
(1, 5, 'operations', 'broadcast'),
(1, 6, 'operations', 'review'),
(1, 7, 'operations', 'reminder'),
(1, 8, 'operations', 'audit'),
(1, 9, 'operations', 'other'),
(2, 1, 'administration', 'request'),
(2, 2, 'administration', 'incident'),
(2, 3, 'administration', 'update'),
(2, 4, 'administration', 'report'),
(2, 5, 'administration', 'broadcast'),
(2, 6, 'administration', 'review'),
(2, 7, 'administration', 'reminder'),
(2, 8, 'administration', 'audit'),
(2, 9, 'administration', 'other'),
(3, 1, 'people', 'request'),
(3, 2, 'people', 'incident'),
(3, 3, 'people', 'update'),
(3, 4, 'people', 'report'),
(3, 5, 'people', 'broadcast'),
(3, 6, 'people', 'review'),
(3, 7, 'people', 'reminder'),
(3, 8, 'people', 'audit'),
(3, 9, 'people', 'other'),
(4, 1, 'finance', 'request'),
(4, 2, 'finance', 'incident'),
(4, 3, 'finance', 'update'),
(4, 4, 'finance', 'report'),
(4, 5, 'finance', 'broadcast'),
(4, 6, 'finance', 'review'),
(4, 7, 'finance', 'reminder'),
(4, 8, 'finance', 'audit'),
(4, 9, 'finance', 'other'),
(5, 1, 'training', 'request'),
(5, 2, 'training', 'incident'),
(5, 3, 'training', 'update'),
(5, 4, 'training', 'report'),
(5, 5, 'training', 'broadcast'),
(5, 6, 'training', 'review'),
(5, 7, 'training', 'reminder'),
(5, 8, 'training', 'audit'),
(5, 9, 'training', 'other'),
(6, 1, 'facilities', 'request'),
(6, 2, 'facilities', 'incident'),
(6, 3, 'facilities', 'update'),
(6, 4, 'facilities', 'report'),
(6, 5, 'facilities', 'broadcast'),
(6, 6, 'facilities', 'review'),
(6, 7, 'facilities', 'reminder'),
(6, 8, 'facilities', 'audit'),
(6, 9, 'facilities', 'other'),
(7, 1, 'compliance', 'request'),
(7, 2, 'compliance', 'incident'),
(7, 3, 'compliance', 'update'),
(7, 4, 'compliance', 'report'),
(7, 5, 'compliance', 'broadcast'),
(7, 6, 'compliance', 'review'),
(7, 7, 'compliance', 'reminder'),
(7, 8, 'compliance', 'audit'),
(7, 9, 'compliance', 'other'),
(8, 1, 'planning', 'request'),
(8, 2, 'planning', 'incident'),
(8, 3, 'planning', 'update'),
(8, 4, 'planning', 'report'),
(8, 5, 'planning', 'broadcast'),
(8, 6, 'planning', 'review'),
(8, 7, 'planning', 'reminder'),
(8, 8, 'planning', 'audit'),
(8, 9, 'planning', 'other'),
(9, 1, 'crisis', 'request'),
(9, 2, 'crisis', 'incident'),
(9, 3, 'crisis', 'update'),
(9, 4, 'crisis', 'report'),
(9, 5, 'crisis', 'broadcast'),
(9, 6, 'crisis', 'review'),
(9, 7, 'crisis', 'reminder'),
(9, 8, 'crisis', 'audit'),
(9, 9, 'crisis', 'other');--> statement-breakpoint
-- Facts of the cases and tasks stored before the star schema (later changes keep them current through the outbox).
INSERT INTO `fact_cases` (case_id, org_id, label, origin_label, base, category, subcategory, role, department, site, area, severity, status, created_at, created_date, reacted_at, resolved_at, closed_at, reactivity_deadline, reactivity_met, escalation_count, profile_version, created_by, version, pattern_rule)
SELECT c.case_id, c.org_id, c.label, c.origin_label,
  CAST(substr(c.label, 1, instr(c.label, '.') - 1) AS INTEGER),
  CAST(substr(c.label, instr(c.label, '.') + 1, 1) AS INTEGER),
  CAST(substr(c.label, instr(c.label, '.') + 2, 1) AS INTEGER),
  substr(c.label, instr(c.label, '.') + 4),
  CASE WHEN instr(substr(c.label, instr(c.label, '.') + 4), '.') > 0
       THEN substr(substr(c.label, instr(c.label, '.') + 4), 1, instr(substr(c.label, instr(c.label, '.') + 4), '.') - 1)
       ELSE substr(c.label, instr(c.label, '.') + 4) END,
  c.site, c.area, c.severity, c.status, CAST(round((julianday(c.created_at) - 2440587.5) * 86400000) AS INTEGER), substr(c.created_at, 1, 10),
  CAST(round((julianday(c.reacted_at) - 2440587.5) * 86400000) AS INTEGER), CASE WHEN c.status IN ('resolved', 'closed') THEN CAST(round((julianday(c.updated_at) - 2440587.5) * 86400000) AS INTEGER) END, CASE WHEN c.status = 'closed' THEN CAST(round((julianday(c.updated_at) - 2440587.5) * 86400000) AS INTEGER) END,
  CAST(round((julianday(c.reactivity_deadline) - 2440587.5) * 86400000) AS INTEGER),
  CASE WHEN c.reacted_at IS NOT NULL THEN c.reacted_at <= c.reactivity_deadline WHEN c.escalation_level > 0 THEN 0 END,
  c.escalation_level, c.profile_version, c.created_by, c.version, NULL FROM `cases` c;--> statement-breakpoint
INSERT INTO `fact_tasks` (task_id, case_id, org_id, label, origin_label, base, category, subcategory, role, department, site, area, severity, status, created_at, created_date, reacted_at, resolved_at, closed_at, reactivity_deadline, reactivity_met, escalation_count, profile_version, created_by, version, owner_role, type, subtype)
SELECT t.task_id, t.case_id, t.org_id, t.label, t.origin_label,
  CAST(substr(t.label, 1, instr(t.label, '.') - 1) AS INTEGER),
  CAST(substr(t.label, instr(t.label, '.') + 1, 1) AS INTEGER),
  CAST(substr(t.label, instr(t.label, '.') + 2, 1) AS INTEGER),
  substr(t.label, instr(t.label, '.') + 4),
  CASE WHEN instr(substr(t.label, instr(t.label, '.') + 4), '.') > 0
       THEN substr(substr(t.label, instr(t.label, '.') + 4), 1, instr(substr(t.label, instr(t.label, '.') + 4), '.') - 1)
       ELSE substr(t.label, instr(t.label, '.') + 4) END,
  t.site, t.area, t.severity, t.status, CAST(round((julianday(t.created_at) - 2440587.5) * 86400000) AS INTEGER), substr(t.created_at, 1, 10),
  CAST(round((julianday(t.reacted_at) - 2440587.5) * 86400000) AS INTEGER), CASE WHEN t.status IN ('completed', 'cancelled') THEN CAST(round((julianday(t.updated_at) - 2440587.5) * 86400000) AS INTEGER) END, CASE WHEN t.status IN ('completed', 'cancelled') THEN CAST(round((julianday(t.updated_at) - 2440587.5) * 86400000) AS INTEGER) END,
  CAST(round((julianday(t.reactivity_deadline) - 2440587.5) * 86400000) AS INTEGER),
  CASE WHEN t.reacted_at IS NOT NULL THEN t.reacted_at <= t.reactivity_deadline WHEN t.escalation_level > 0 THEN 0 END,
  t.escalation_level, t.profile_version, t.created_by, t.version, t.owner_role, t.type, t.subtype FROM `tasks` t;--> statement-breakpoint
INSERT OR IGNORE INTO `dim_role` (org_id, role, parent, department)
SELECT org_id, name, parent, CASE WHEN instr(name, '.') > 0 THEN substr(name, 1, instr(name, '.') - 1) ELSE name END FROM `roles`;--> statement-breakpoint
INSERT OR IGNORE INTO `dim_location` (org_id, site, area) SELECT DISTINCT org_id, coalesce(site, ''), coalesce(area, '') FROM `cases`;
