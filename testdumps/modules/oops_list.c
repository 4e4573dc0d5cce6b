// SPDX-License-Identifier: GPL-2.0
/*
 * Case "list": follow a deleted list entry.
 * list_del() leaves entry->next = LIST_POISON1 (0xdead000000000100); writing
 * through it gives "general protection fault, probably for non-canonical
 * address 0xdead000000000108". The list itself is always valid when the
 * list API touches it, so CONFIG_DEBUG_LIST checks do not fire.
 */
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/list.h>
#include <linux/compiler.h>
#include "oops_common.h"

unsigned long oops_list_counter = 42;
unsigned long oops_list_hits;
char oops_list_tag[24] = "oops_list tag";
struct oops_record oops_list_record = OOPS_RECORD_INIT(oops_list_record, "list");

struct oops_list_item {
	int id;
	struct list_head node;
};

static LIST_HEAD(oops_list_items);
static struct oops_list_item oops_list_pool[3] = {
	{ .id = 1 }, { .id = 2 }, { .id = 3 },
};

static noinline void oops_list_relink(struct oops_list_item *item)
{
	struct list_head *next = READ_ONCE(item->node.next);	/* LIST_POISON1 */

	WRITE_ONCE(next->prev, &item->node);
}

static noinline void oops_list_run(void)
{
	struct oops_list_item *item;
	int i;

	for (i = 0; i < ARRAY_SIZE(oops_list_pool); i++)
		list_add_tail(&oops_list_pool[i].node, &oops_list_items);
	list_for_each_entry(item, &oops_list_items, node)
		oops_list_hits += item->id;
	list_del(&oops_list_pool[1].node);
	OOPS_FACT_HITS(oops_list);
	oops_list_relink(&oops_list_pool[1]);	/* uses the deleted entry */
	oops_list_hits++;			/* no tail call: keeps this frame */
}

static int __init oops_list_init(void)
{
	oops_list_hits = 7;
	OOPS_PRINT_FACTS(oops_list);
	OOPS_FACT_FUNC(oops_list_init);
	OOPS_FACT_FUNC(oops_list_run);
	OOPS_FACT_FUNC(oops_list_relink);
	OOPS_FACTS_END();
	oops_list_run();
	return 0;
}

static void __exit oops_list_exit(void)
{
}

module_init(oops_list_init);
module_exit(oops_list_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vmcore-inspector test dump: LIST_POISON dereference");
