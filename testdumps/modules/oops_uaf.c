// SPDX-License-Identifier: GPL-2.0
/*
 * Case "uaf": use after free, seen through slab poisoning.
 * Boot with slub_debug=FZPU: kfree() fills the object with POISON_FREE (0x6b),
 * so the pointer read back from the freed object is 0x6b6b6b6b6b6b6b6b and
 * dereferencing it gives "general protection fault, probably for
 * non-canonical address 0x6b6b6b6b6b6b6b6b".
 */
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/compiler.h>
#include "oops_common.h"

unsigned long oops_uaf_counter = 42;
unsigned long oops_uaf_hits;
char oops_uaf_tag[24] = "oops_uaf tag";
struct oops_record oops_uaf_record = OOPS_RECORD_INIT(oops_uaf_record, "uaf");

struct oops_uaf_target {
	unsigned long value;
};

struct oops_uaf_obj {
	unsigned long id;
	struct oops_uaf_target *target;
	char pad[48];
};

static struct oops_uaf_target oops_uaf_victim = { .value = 1 };

static noinline unsigned long oops_uaf_use(struct oops_uaf_obj *obj)
{
	struct oops_uaf_target *t = READ_ONCE(obj->target);

	return READ_ONCE(t->value);	/* t == 0x6b6b6b6b6b6b6b6b after kfree */
}

static noinline int oops_uaf_run(void)
{
	struct oops_uaf_obj *obj;
	unsigned long v;

	obj = kmalloc(sizeof(*obj), GFP_KERNEL);
	if (!obj)
		return -ENOMEM;
	obj->id = 1;
	obj->target = &oops_uaf_victim;
	oops_uaf_hits += oops_uaf_use(obj);	/* fine: target is valid */
	kfree(obj);
	OPTIMIZER_HIDE_VAR(obj);
	OOPS_FACT_HITS(oops_uaf);
	v = oops_uaf_use(obj);			/* use after free */
	oops_uaf_hits += v;
	return 0;
}

static int __init oops_uaf_init(void)
{
	int ret;

	oops_uaf_hits = 7;
	OOPS_PRINT_FACTS(oops_uaf);
	OOPS_FACT_FUNC(oops_uaf_init);
	OOPS_FACT_FUNC(oops_uaf_run);
	OOPS_FACT_FUNC(oops_uaf_use);
	OOPS_FACTS_END();
	ret = oops_uaf_run();
	pr_info("oops_uaf: still alive (%d)\n", ret);	/* no tail call: keeps init in the trace */
	return ret;
}

static void __exit oops_uaf_exit(void)
{
}

module_init(oops_uaf_init);
module_exit(oops_uaf_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vmcore-inspector test dump: slab use after free");
