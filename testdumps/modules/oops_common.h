/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the vmcore-inspector test modules: one struct of mixed member
 * types with a global instance per module, and the "oops_facts:" console
 * lines that scripts/testdumps/facts.py turns into facts.json.
 *
 * Every module defines (MOD = its name, e.g. oops_uaf):
 *   unsigned long MOD_counter = 42;        initialised, .data
 *   unsigned long MOD_hits;                .bss, set at run time
 *   char MOD_tag[24] = "MOD tag";          char array, .data
 *   struct oops_record MOD_record = {...}; the struct instance, .data
 */
#ifndef OOPS_COMMON_H
#define OOPS_COMMON_H

#include <linux/module.h>
#include <linux/printk.h>
#include <linux/list.h>
#include <linux/types.h>
#include <linux/version.h>

#define OOPS_RECORD_MAGIC 0x4f4f505352454344ULL /* "OOPSRECD" */

struct oops_record {
	u64 magic;
	char name[16];
	struct list_head link;
	void *owner;
	int values[4];
	unsigned int flag_a:1, flag_b:3, level:4;
};

/* Static initialiser shared by all modules: only the name differs. */
#define OOPS_RECORD_INIT(var, short_name) {				\
	.magic = OOPS_RECORD_MAGIC,					\
	.name = short_name,						\
	.link = LIST_HEAD_INIT(var.link),				\
	.owner = THIS_MODULE,						\
	.values = { 10, -20, 30, -40 },					\
	.flag_a = 1, .flag_b = 5, .level = 9,				\
}

static inline void *oops_core_text_base(struct module *mod)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
	return mod->mem[MOD_TEXT].base;
#else
	return mod->core_layout.base;
#endif
}

static inline void *oops_init_text_base(struct module *mod)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
	return mod->mem[MOD_INIT_TEXT].base;
#else
	return mod->init_layout.base;
#endif
}

/*
 * Console lines parsed by facts.py; keep the format stable:
 *   oops_facts: module NAME base ADDR init_base ADDR
 *   oops_facts: func NAME ADDR
 *   oops_facts: global NAME ADDR VALUE
 *   oops_facts: record NAME ADDR magic=.. name=.. values=a,b,c,d flag_a=.. flag_b=.. level=.. owner=..
 *   oops_facts: end
 *   oops_facts: global MOD_hits ADDR VALUE   again, right before the crash (the value then)
 */
static noinline void oops_print_facts(const char *name, unsigned long *counter,
				      const char *counter_name,
				      unsigned long *hits, const char *hits_name,
				      char *tag, const char *tag_name,
				      struct oops_record *rec, const char *rec_name)
{
	pr_info("oops_facts: module %s base %px init_base %px\n", name,
		oops_core_text_base(THIS_MODULE),
		oops_init_text_base(THIS_MODULE));
	pr_info("oops_facts: global %s %px %lu\n", counter_name, counter, *counter);
	pr_info("oops_facts: global %s %px %lu\n", hits_name, hits, *hits);
	pr_info("oops_facts: global %s %px %s\n", tag_name, tag, tag);
	pr_info("oops_facts: record %s %px magic=0x%llx name=%s values=%d,%d,%d,%d flag_a=%u flag_b=%u level=%u owner=%px link.next=%px link.prev=%px\n",
		rec_name, rec, rec->magic, rec->name,
		rec->values[0], rec->values[1], rec->values[2], rec->values[3],
		rec->flag_a, rec->flag_b, rec->level, rec->owner,
		rec->link.next, rec->link.prev);
}

#define OOPS_FACT_FUNC(fn) pr_info("oops_facts: func %s %px\n", #fn, (void *)(fn))

#define OOPS_PRINT_FACTS(mod)						\
	oops_print_facts(#mod, &mod##_counter, #mod "_counter",		\
			 &mod##_hits, #mod "_hits",			\
			 mod##_tag, #mod "_tag",			\
			 &mod##_record, #mod "_record")

#define OOPS_FACTS_END() pr_info("oops_facts: end\n")

/* The value of MOD_hits when the crash happens: printed right before the fatal step. */
#define OOPS_FACT_HITS(mod)						\
	pr_info("oops_facts: global %s %px %lu\n", #mod "_hits",	\
		&mod##_hits, mod##_hits)

#endif /* OOPS_COMMON_H */
