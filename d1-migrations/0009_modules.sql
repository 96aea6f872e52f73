CREATE TABLE `assets` (
	`asset_id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`seq` integer NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`serial` text,
	`status` text NOT NULL,
	`location_id` text,
	`site` text,
	`area` text,
	`wikidata` text,
	`attributes` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`version` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `assets_org_seq` ON `assets` (`org_id`,`seq`);--> statement-breakpoint
CREATE INDEX `assets_org_location_seq` ON `assets` (`org_id`,`location_id`,`seq`);--> statement-breakpoint
CREATE INDEX `assets_org_type_seq` ON `assets` (`org_id`,`type`,`seq`);--> statement-breakpoint
CREATE INDEX `assets_org_serial` ON `assets` (`org_id`,`serial`);--> statement-breakpoint
CREATE TABLE `consents` (
	`consent_id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`person_id` text NOT NULL,
	`purpose` text NOT NULL,
	`granted` integer NOT NULL,
	`recorded_at` text NOT NULL,
	`recorded_by` text,
	`version` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `consents_org_person_purpose` ON `consents` (`org_id`,`person_id`,`purpose`);--> statement-breakpoint
CREATE TABLE `groups` (
	`group_id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`seq` integer NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`description` text,
	`role` text,
	`members` text NOT NULL,
	`schedule` text,
	`wikidata` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`version` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `groups_org_seq` ON `groups` (`org_id`,`seq`);--> statement-breakpoint
CREATE INDEX `groups_org_kind_seq` ON `groups` (`org_id`,`kind`,`seq`);--> statement-breakpoint
CREATE TABLE `locations` (
	`location_id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`seq` integer NOT NULL,
	`parent_id` text,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`path` text NOT NULL,
	`wikidata` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`version` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `locations_org_seq` ON `locations` (`org_id`,`seq`);--> statement-breakpoint
CREATE INDEX `locations_org_parent` ON `locations` (`org_id`,`parent_id`);--> statement-breakpoint
CREATE TABLE `personnel` (
	`person_id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`seq` integer NOT NULL,
	`user_id` text,
	`role` text,
	`position` text,
	`employment_status` text NOT NULL,
	`started_on` text,
	`ended_on` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`version` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `personnel_org_seq` ON `personnel` (`org_id`,`seq`);--> statement-breakpoint
CREATE INDEX `personnel_org_role_seq` ON `personnel` (`org_id`,`role`,`seq`);--> statement-breakpoint
ALTER TABLE `cases` ADD `asset_id` text;--> statement-breakpoint
CREATE INDEX `cases_org_asset_seq` ON `cases` (`org_id`,`asset_id`,`seq`);--> statement-breakpoint
ALTER TABLE `orgs` ADD `modules` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `tasks` ADD `asset_id` text;--> statement-breakpoint
ALTER TABLE `tasks` ADD `assignee_user_id` text;--> statement-breakpoint
ALTER TABLE `tasks` ADD `assignee_person_id` text;--> statement-breakpoint
CREATE INDEX `tasks_org_asset_seq` ON `tasks` (`org_id`,`asset_id`,`seq`);--> statement-breakpoint
CREATE INDEX `signals_org_source_seq` ON `signals` (`org_id`,`source`,`seq`);