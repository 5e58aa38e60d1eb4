// Everything a catalog author or query writer needs, in one include.
#pragma once

#include "neuralake/catalog.h"
#include "neuralake/data_frame.h"
#include "neuralake/delta.h"
#include "neuralake/error.h"
#include "neuralake/expr.h"
#include "neuralake/filter.h"
#include "neuralake/lazy_frame.h"
#include "neuralake/object_store.h"
#include "neuralake/options.h"
#include "neuralake/query.h"
#include "neuralake/session.h"
#include "neuralake/string_column.h"
#include "neuralake/table.h"
#include "neuralake/table_source.h"
#include "neuralake/types.h"
#include "neuralake/value.h"
