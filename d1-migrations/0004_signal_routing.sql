ALTER TABLE `signals` ADD `routed_label` text;--> statement-breakpoint
ALTER TABLE `signals` ADD `routed_severity` text;--> statement-breakpoint
ALTER TABLE `signals` ADD `routed_reactivity_time` text;--> statement-breakpoint
ALTER TABLE `signals` ADD `routed_tasks` integer;