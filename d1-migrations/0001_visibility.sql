ALTER TABLE `cases` ADD `origin_label` text;--> statement-breakpoint
ALTER TABLE `orgs` ADD `privacy` text DEFAULT 'open' NOT NULL;--> statement-breakpoint
ALTER TABLE `tasks` ADD `origin_label` text;