// SPDX-License-Identifier: MIT
#pragma once
// qcustomplot.h uses Qt's bare `signals` and `foreach` keywords, which this
// project turns off (QT_NO_KEYWORDS, for torch): map them around the include.
#define signals Q_SIGNALS
#define foreach Q_FOREACH
#include <qcustomplot.h>
#undef signals
#undef foreach
