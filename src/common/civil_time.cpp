#include "common/civil_time.h"

#include <cstdio>

namespace neuralake::civil {

// The era-based algorithm: 400-year eras of 146097 days each.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

static bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

static bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

bool parse_ymd(std::string_view text, int& y, int& m, int& d) {
  if (text.size() < 10 || text[4] != '-' || text[7] != '-') return false;
  if (!digits(text, 0, 4, y) || !digits(text, 5, 2, m) || !digits(text, 8, 2, d)) return false;
  static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return false;
  int maxd = mdays[m - 1] + (m == 2 && leap(y) ? 1 : 0);
  return d <= maxd;
}

bool parse_timestamp_micros(std::string_view t, int64_t& micros) {
  int y, mo, d;
  if (!parse_ymd(t, y, mo, d)) return false;
  int64_t total = days_from_civil(y, mo, d) * 86400LL * 1000000LL;
  size_t pos = 10;
  if (pos < t.size()) {
    if (t[pos] != 'T' && t[pos] != ' ') return false;
    int hh, mm, ss = 0;
    if (!digits(t, pos + 1, 2, hh) || pos + 3 >= t.size() || t[pos + 3] != ':' || !digits(t, pos + 4, 2, mm))
      return false;
    pos += 6;
    if (pos < t.size() && t[pos] == ':') {
      if (!digits(t, pos + 1, 2, ss)) return false;
      pos += 3;
    }
    if (hh > 23 || mm > 59 || ss > 60) return false;
    total += ((hh * 60LL + mm) * 60LL + ss) * 1000000LL;
    if (pos < t.size() && t[pos] == '.') {
      ++pos;
      int64_t frac = 0, scale = 100000;
      size_t start = pos;
      while (pos < t.size() && t[pos] >= '0' && t[pos] <= '9') {
        if (scale > 0) frac += (t[pos] - '0') * scale;
        scale /= 10;
        ++pos;
      }
      if (pos == start) return false;
      total += frac;
    }
    if (pos < t.size()) {
      if (t[pos] == 'Z' && pos + 1 == t.size()) {
        pos++;
      } else if (t[pos] == '+' || t[pos] == '-') {
        int oh, om = 0;
        int sign = t[pos] == '+' ? 1 : -1;
        if (!digits(t, pos + 1, 2, oh)) return false;
        size_t p = pos + 3;
        if (p < t.size() && t[p] == ':') ++p;
        if (p < t.size() && !digits(t, p, 2, om)) return false;
        if (p < t.size()) p += 2;
        if (p != t.size()) return false;
        total -= sign * (oh * 60LL + om) * 60LL * 1000000LL;
        pos = t.size();
      } else {
        return false;
      }
    }
  }
  if (pos != t.size()) return false;
  micros = total;
  return true;
}

std::string format_date(int64_t days) {
  int64_t y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  return buf;
}

std::string format_time_of_day(int64_t micros) {
  int64_t s = micros / 1000000, frac = micros % 1000000;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", static_cast<long long>(s / 3600),
                static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
  std::string out = buf;
  if (frac) {
    char f[16];
    std::snprintf(f, sizeof f, ".%06lld", static_cast<long long>(frac));
    out += f;
  }
  return out;
}

std::string format_timestamp_micros(int64_t micros) {
  int64_t day = micros >= 0 ? micros / 86400000000LL : -((-micros + 86400000000LL - 1) / 86400000000LL);
  int64_t rem = micros - day * 86400000000LL;
  return format_date(day) + " " + format_time_of_day(rem);
}

}  // namespace neuralake::civil
