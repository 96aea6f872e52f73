CREATE TABLE `email_attachments` (
	`attachment_id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`email_id` text NOT NULL,
	`case_id` text,
	`position` integer NOT NULL,
	`filename` text,
	`content_type` text NOT NULL,
	`size` integer NOT NULL,
	`content_id` text,
	`disposition` text NOT NULL,
	`r2_key` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `email_attachments_org_case` ON `email_attachments` (`org_id`,`case_id`);--> statement-breakpoint
CREATE INDEX `email_attachments_org_email` ON `email_attachments` (`org_id`,`email_id`,`position`);--> statement-breakpoint
CREATE TABLE `email_messages` (
	`email_id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`seq` integer NOT NULL,
	`case_id` text,
	`direction` text NOT NULL,
	`status` text NOT NULL,
	`message_id` text NOT NULL,
	`from_address` text NOT NULL,
	`from_name` text,
	`to` text NOT NULL,
	`cc` text NOT NULL,
	`subject` text NOT NULL,
	`text` text NOT NULL,
	`full_text` text NOT NULL,
	`sent_at` text,
	`received_at` text NOT NULL,
	`in_reply_to` text NOT NULL,
	`references` text NOT NULL,
	`loop_reason` text,
	`mailbox_hint` text,
	`raw_key` text,
	`version` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `email_org_seq` ON `email_messages` (`org_id`,`seq`);--> statement-breakpoint
CREATE INDEX `email_org_case_seq` ON `email_messages` (`org_id`,`case_id`,`seq`);--> statement-breakpoint
CREATE INDEX `email_org_message` ON `email_messages` (`org_id`,`message_id`);--> statement-breakpoint
-- Older cases take their ref by the rule of core/model/case-ref.ts.
ALTER TABLE `cases` ADD `ref` text NOT NULL DEFAULT '';--> statement-breakpoint
UPDATE `cases` SET `ref` = upper(substr(replace(`case_id`, '-', ''), 1, 10));--> statement-breakpoint
CREATE UNIQUE INDEX `cases_org_ref` ON `cases` (`org_id`,`ref`);