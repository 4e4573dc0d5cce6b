// SPDX-License-Identifier: GPL-2.0
/*
 * Case "timer": NULL dereference in a timer callback.
 * Init arms a timer for the next jiffy and returns 0 (the module stays
 * loaded); the callback runs in softirq context on the IRQ stack and writes
 * through a NULL pointer.
 */
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/timer.h>
#include <linux/jiffies.h>
#include <linux/compiler.h>
#include "oops_common.h"

unsigned long oops_timer_counter = 42;
unsigned long oops_timer_hits;
char oops_timer_tag[24] = "oops_timer tag";
struct oops_record oops_timer_record = OOPS_RECORD_INIT(oops_timer_record, "timer");

static struct timer_list oops_timer_timer;
static unsigned long *oops_timer_slot;	/* stays NULL */

static noinline void oops_timer_touch(unsigned long *slot)
{
	WRITE_ONCE(*slot, jiffies);
}

static noinline void oops_timer_fire(struct timer_list *t)
{
	oops_timer_hits++;
	OOPS_FACT_HITS(oops_timer);
	oops_timer_touch(READ_ONCE(oops_timer_slot));
	oops_timer_hits++;
}

static int __init oops_timer_init(void)
{
	oops_timer_hits = 7;
	OOPS_PRINT_FACTS(oops_timer);
	OOPS_FACT_FUNC(oops_timer_init);
	OOPS_FACT_FUNC(oops_timer_fire);
	OOPS_FACT_FUNC(oops_timer_touch);
	OOPS_FACTS_END();
	timer_setup(&oops_timer_timer, oops_timer_fire, 0);
	mod_timer(&oops_timer_timer, jiffies + 1);
	return 0;
}

static void __exit oops_timer_exit(void)
{
	del_timer_sync(&oops_timer_timer);
}

module_init(oops_timer_init);
module_exit(oops_timer_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vmcore-inspector test dump: NULL dereference in a timer callback");
