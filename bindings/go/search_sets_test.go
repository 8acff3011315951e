package imapclient

import (
	"errors"
	"slices"
	"testing"
)

// The sets of SearchCriteria go through the library's set parser, as
// Fetch's do: text that is not a set, or names 0, is ErrInvalidArgument
// before anything is sent, in every set field and nested in Not and Or,
// for Search, SearchModSeq, Sort and Thread alike. Unchecked, "1:* LARGER
// 50000" added a search key of its own and found message 9.
func TestSearchSetsChecked(t *testing.T) {
	c := dialLogin(t)
	ctx := testCtx(t)
	if _, err := c.Examine(ctx, "INBOX"); err != nil {
		t.Fatal(err)
	}
	bad := []string{"1:* LARGER 50000", "1 OR ALL", "0", "1:0", "a", "2-4", "1:*)", "1,,2", "", "1\r\nX NOOP"}
	place := map[string]func(s *MessageSet) *SearchCriteria{
		"UIDs":    func(s *MessageSet) *SearchCriteria { return &SearchCriteria{UIDs: s} },
		"SeqNums": func(s *MessageSet) *SearchCriteria { return &SearchCriteria{SeqNums: s} },
		"Not": func(s *MessageSet) *SearchCriteria {
			return &SearchCriteria{Not: []SearchCriteria{{UIDs: s}}}
		},
		"Or": func(s *MessageSet) *SearchCriteria {
			return &SearchCriteria{Or: [][2]SearchCriteria{{{Flags: []string{FlagSeen}}, {SeqNums: s}}}}
		},
	}
	for _, text := range bad {
		for name, mk := range place {
			set := Set(text)
			crit := mk(&set)
			ids, err := c.Search(ctx, crit)
			if !errors.Is(err, ErrInvalidArgument) || ids != nil {
				t.Errorf("Search %s=Set(%q) = %v, %v; want ErrInvalidArgument", name, text, ids, err)
			}
			ids, _, err = c.SearchModSeq(ctx, crit)
			if !errors.Is(err, ErrInvalidArgument) || ids != nil {
				t.Errorf("SearchModSeq %s=Set(%q) = %v, %v; want ErrInvalidArgument", name, text, ids, err)
			}
			if ids, err := c.Sort(ctx, "ARRIVAL", crit); !errors.Is(err, ErrInvalidArgument) || ids != nil {
				t.Errorf("Sort %s=Set(%q) = %v, %v; want ErrInvalidArgument", name, text, ids, err)
			}
			if roots, err := c.Thread(ctx, "REFERENCES", crit); !errors.Is(err, ErrInvalidArgument) || roots != nil {
				t.Errorf("Thread %s=Set(%q) = %v, %v; want ErrInvalidArgument", name, text, roots, err)
			}
		}
	}
	// An id of 0 is refused as Fetch refuses it.
	if ids, err := c.Search(ctx, &SearchCriteria{UIDs: ptr(IDs(0, 3))}); !errors.Is(err, ErrInvalidArgument) || ids != nil {
		t.Errorf("UIDs=IDs(0, 3) = %v, %v; want ErrInvalidArgument", ids, err)
	}
	if _, err := c.Fetch(ctx, Set("1:* LARGER 50000"), "UID"); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("Fetch of the same set: %v", err)
	}
	// The refusals left the connection usable, and good sets still work
	// (white space around a set is trimmed, as Fetch trims it).
	for _, tc := range []struct {
		crit *SearchCriteria
		want []uint32
	}{
		{&SearchCriteria{UIDs: ptr(Set("2:3,5"))}, []uint32{2, 3, 5}},
		{&SearchCriteria{UIDs: ptr(Set(" 12:* "))}, []uint32{12, 13, 14}},
		{&SearchCriteria{SeqNums: ptr(Set("4,7"))}, []uint32{4, 7}},
		{&SearchCriteria{SeqNums: ptr(IDs(9, 1, 2))}, []uint32{1, 2, 9}},
		{&SearchCriteria{UIDs: ptr(Range(1, 5)), Not: []SearchCriteria{{SeqNums: ptr(Set("2:4"))}}}, []uint32{1, 5}},
	} {
		got, err := c.Search(ctx, tc.crit)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("Search(%s) = %v, %v; want %v", tc.crit, got, err, tc.want)
		}
	}
}

// An empty id list matches no message, as it names none in Fetch: alone
// it gives an empty result without asking the server (which answered
// BAD "Missing parameter"), and inside Not and Or it is folded as a set
// naming no existing message would be searched by the server.
func TestSearchEmptyIDs(t *testing.T) {
	c := dialLogin(t)
	ctx := testCtx(t)
	// No folder selected: like Fetch(IDs()), nothing is asked.
	if ids, err := c.Search(ctx, &SearchCriteria{UIDs: ptr(IDs())}); err != nil || ids == nil || len(ids) != 0 {
		t.Errorf("no folder: Search(UIDs=IDs()) = %#v, %v; want []", ids, err)
	}
	if _, err := c.Examine(ctx, "INBOX"); err != nil {
		t.Fatal(err)
	}
	all := []uint32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}
	flagged := &SearchCriteria{Flags: []string{FlagFlagged}} // 4 and 7
	// Each case is built twice: with the empty list, and with a set of a
	// UID the folder does not have, which the server searches; both must
	// give want.
	cases := []struct {
		name string
		mk   func(e MessageSet) *SearchCriteria
		want []uint32
	}{
		{"UIDs", func(e MessageSet) *SearchCriteria { return &SearchCriteria{UIDs: &e} }, []uint32{}},
		{"UIDs and flag", func(e MessageSet) *SearchCriteria { return &SearchCriteria{UIDs: &e, Flags: []string{FlagFlagged}} }, []uint32{}},
		{"Not", func(e MessageSet) *SearchCriteria { return &SearchCriteria{Not: []SearchCriteria{{UIDs: &e}}} }, all},
		{"range and Not", func(e MessageSet) *SearchCriteria {
			return &SearchCriteria{UIDs: ptr(Range(2, 4)), Not: []SearchCriteria{{UIDs: &e}}}
		}, []uint32{2, 3, 4}},
		{"Not of flag and empty", func(e MessageSet) *SearchCriteria {
			return &SearchCriteria{Not: []SearchCriteria{{UIDs: &e, Flags: []string{FlagFlagged}}}}
		}, all},
		{"Not Not", func(e MessageSet) *SearchCriteria {
			return &SearchCriteria{Flags: []string{FlagFlagged}, Not: []SearchCriteria{{Not: []SearchCriteria{{UIDs: &e}}}}}
		}, []uint32{}},
		{"Or left", func(e MessageSet) *SearchCriteria {
			return &SearchCriteria{Or: [][2]SearchCriteria{{{UIDs: &e}, *flagged}}}
		}, []uint32{4, 7}},
		{"Or right", func(e MessageSet) *SearchCriteria {
			return &SearchCriteria{Or: [][2]SearchCriteria{{*flagged, {UIDs: &e}}}}
		}, []uint32{4, 7}},
		{"Or both", func(e MessageSet) *SearchCriteria {
			return &SearchCriteria{Or: [][2]SearchCriteria{{{UIDs: &e}, {UIDs: &e}}}}
		}, []uint32{}},
		{"Not Or both", func(e MessageSet) *SearchCriteria {
			return &SearchCriteria{UIDs: ptr(Set("13:*")), Not: []SearchCriteria{{Or: [][2]SearchCriteria{{{UIDs: &e}, {UIDs: &e}}}}}}
		}, []uint32{13, 14}},
		{"Not Or one", func(e MessageSet) *SearchCriteria {
			return &SearchCriteria{UIDs: ptr(Range(3, 8)), Not: []SearchCriteria{{Or: [][2]SearchCriteria{{{UIDs: &e}, *flagged}}}}}
		}, []uint32{3, 5, 6, 8}},
	}
	for _, tc := range cases {
		for _, set := range []MessageSet{IDs(), IDs(4000000000)} {
			got, err := c.Search(ctx, tc.mk(set))
			if err != nil || got == nil || !slices.Equal(got, tc.want) {
				t.Errorf("%s with %q: Search = %#v, %v; want %v", tc.name, set.String(), got, err, tc.want)
			}
		}
	}
	// Sequence numbers, SearchModSeq, Sort and Thread alike.
	if ids, err := c.Search(ctx, &SearchCriteria{SeqNums: ptr(IDs())}); err != nil || ids == nil || len(ids) != 0 {
		t.Errorf("Search(SeqNums=IDs()) = %#v, %v", ids, err)
	}
	if ids, ms, err := c.SearchModSeq(ctx, &SearchCriteria{UIDs: ptr(IDs())}); err != nil || ids == nil || len(ids) != 0 || ms != 0 {
		t.Errorf("SearchModSeq(UIDs=IDs()) = %#v, %d, %v", ids, ms, err)
	}
	if ids, err := c.Sort(ctx, "ARRIVAL", &SearchCriteria{UIDs: ptr(IDs())}); err != nil || ids == nil || len(ids) != 0 {
		t.Errorf("Sort(UIDs=IDs()) = %#v, %v", ids, err)
	}
	if roots, err := c.Thread(ctx, "REFERENCES", &SearchCriteria{UIDs: ptr(IDs())}); err != nil || roots == nil || len(roots) != 0 {
		t.Errorf("Thread(UIDs=IDs()) = %#v, %v", roots, err)
	}
	// The other fields are still checked.
	if ids, err := c.Search(ctx, &SearchCriteria{UIDs: ptr(IDs()), Subject: []string{"a\r\nb"}}); !errors.Is(err, ErrInvalidArgument) || ids != nil {
		t.Errorf("empty ids with a bad string: %v, %v", ids, err)
	}
	if ids, err := c.Search(ctx, &SearchCriteria{UIDs: ptr(IDs()), SeqNums: ptr(Set("0"))}); !errors.Is(err, ErrInvalidArgument) || ids != nil {
		t.Errorf("empty ids with a bad set: %v, %v", ids, err)
	}
}
