/**
 * @file leadcore.h
 * @brief The umbrella header: include this one to use leadcore.
 */
#ifndef LEADCORE_LEADCORE_H
#define LEADCORE_LEADCORE_H

#include "common.h"
#include "error.h"
#include "model.h"
#include "state.h"
#include "disposition.h"
#include "validate.h"
#include "lead.h"
#include "db.h"
#include "workflow.h"
#include "report.h"
#include "import.h"
#include "table.h"

#endif
