CREATE TABLE `persons` (
	`person_id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`seq` integer NOT NULL,
	`display_name` text NOT NULL,
	`kind` text,
	`external_ref` text,
	`attributes` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`version` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `persons_org_seq` ON `persons` (`org_id`,`seq`);--> statement-breakpoint
CREATE INDEX `persons_org_ref` ON `persons` (`org_id`,`external_ref`);--> statement-breakpoint
CREATE INDEX `cases_org_person_seq` ON `cases` (`org_id`,`person_id`,`seq`);