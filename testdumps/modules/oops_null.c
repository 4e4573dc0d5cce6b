// SPDX-License-Identifier: GPL-2.0
/*
 * Case "null": a classic NULL pointer write in module init.
 * insmod -> oops_null_init -> oops_null_poke -> oops_null_store: *bad_ptr = 10
 * -> "BUG: kernel NULL pointer dereference, address: 0000000000000000".
 */
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/compiler.h>
#include "oops_common.h"

unsigned long oops_null_counter = 42;
unsigned long oops_null_hits;
char oops_null_tag[24] = "oops_null tag";
struct oops_record oops_null_record = OOPS_RECORD_INIT(oops_null_record, "null");

static int *bad_ptr;	/* stays NULL */

static noinline void oops_null_store(int *p, int v)
{
	/* WRITE_ONCE keeps the compiler from turning this into a trap */
	WRITE_ONCE(*p, v);
}

static noinline void oops_null_poke(void)
{
	oops_null_hits++;
	OOPS_FACT_HITS(oops_null);
	oops_null_store(READ_ONCE(bad_ptr), 10);
	oops_null_hits++;
}

static int __init oops_null_init(void)
{
	oops_null_hits = 7;
	OOPS_PRINT_FACTS(oops_null);
	OOPS_FACT_FUNC(oops_null_init);
	OOPS_FACT_FUNC(oops_null_poke);
	OOPS_FACT_FUNC(oops_null_store);
	OOPS_FACTS_END();
	oops_null_poke();
	return 0;
}

static void __exit oops_null_exit(void)
{
}

module_init(oops_null_init);
module_exit(oops_null_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vmcore-inspector test dump: NULL write in module init");
