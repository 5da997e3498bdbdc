package xapi

func (v *validator) result(val any, p *path) {
	m, ok := val.(map[string]any)
	if !ok {
		v.add(p, ruleResult, "result must be an object")
		return
	}
	for key, x := range v.properties(m, p) {
		c := p.k(key)
		switch key {
		case "score":
			v.score(x, &c)
		case "success", "completion":
			if _, ok := x.(bool); !ok {
				v.add(&c, ruleResult, key+" must be a boolean")
			}
		case "response":
			v.str(x, &c, ruleResult)
		case "duration":
			if s, ok := x.(string); !ok || !isDuration(s) {
				v.add(&c, ruleDuration, "duration must be an ISO 8601 duration (e.g. PT1H2M3.45S)")
			}
		case "extensions":
			v.extensions(x, &c)
		default:
			v.additional(&c, key, "a Result")
		}
	}
}

// score: scaled in [-1, 1]; min < max; min <= raw <= max (Data 2.4.5.1).
func (v *validator) score(val any, p *path) {
	m, ok := val.(map[string]any)
	if !ok {
		v.add(p, ruleScore, "score must be an object")
		return
	}
	var nums [4]float64 // scaled, raw, min, max
	var have [4]bool
	for key, x := range v.properties(m, p) {
		c := p.k(key)
		i := -1
		switch key {
		case "scaled":
			i = 0
		case "raw":
			i = 1
		case "min":
			i = 2
		case "max":
			i = 3
		default:
			v.additional(&c, key, "a Score")
			continue
		}
		n, ok := number(x)
		if !ok {
			v.add(&c, ruleScore, key+" must be a number")
			continue
		}
		nums[i], have[i] = n, true
	}
	if have[0] && (nums[0] < -1 || nums[0] > 1) {
		c := p.k("scaled")
		v.add(&c, ruleScore, "scaled must be between -1 and 1 inclusive")
	}
	if have[2] && have[3] && nums[2] >= nums[3] {
		c := p.k("min")
		v.add(&c, ruleScore, "min must be less than max")
	}
	if have[1] && (have[2] && nums[1] < nums[2] || have[3] && nums[1] > nums[3]) {
		c := p.k("raw")
		v.add(&c, ruleScore, "raw must be between min and max inclusive")
	}
}

func (v *validator) context(val any, p *path, objIsActivity bool) {
	m, ok := val.(map[string]any)
	if !ok {
		v.add(p, ruleContext, "context must be an object")
		return
	}
	for key, x := range v.properties(m, p) {
		c := p.k(key)
		switch key {
		case "registration":
			v.uuid(x, &c, ruleContext)
		case "instructor":
			v.actor(x, &c, ruleContext)
		case "team":
			v.groupOnly(x, &c, ruleContext)
		case "contextActivities":
			v.contextActivities(x, &c)
		case "revision", "platform":
			v.str(x, &c, ruleContext)
			if !objIsActivity {
				v.add(&c, ruleContext, "\""+key+"\" must only be used when the object is an Activity")
			}
		case "language":
			if s, ok := x.(string); !ok || !isLangTag(s) {
				v.add(&c, ruleContext, "language must be an RFC 5646 language tag")
			}
		case "statement":
			m, ok := x.(map[string]any)
			if !ok {
				v.add(&c, ruleContext, "statement must be a StatementRef object")
				continue
			}
			v.statementRef(m, &c)
		case "extensions":
			v.extensions(x, &c)
		case "contextAgents", "contextGroups":
			if v.ver != V200 {
				v.add(&c, ruleFormat, "additional property \""+key+"\" is not allowed in xAPI 1.0.3 (it was added in 2.0)")
				continue
			}
			v.contextAgents(key, x, &c)
		default:
			v.additional(&c, key, "a Context")
		}
	}
}

func (v *validator) contextActivities(val any, p *path) {
	m, ok := val.(map[string]any)
	if !ok {
		v.add(p, ruleCtxActs, "contextActivities must be an object")
		return
	}
	for key, x := range v.properties(m, p) {
		c := p.k(key)
		switch key {
		case "parent", "grouping", "category", "other":
		default:
			v.add(&c, ruleCtxActs, "contextActivities keys must be parent, grouping, category or other")
			continue
		}
		if arr, ok := x.([]any); ok {
			for i, e := range arr {
				ci := c.i(i)
				v.activityValue(e, &ci, ruleCtxActs)
			}
			continue
		}
		v.activityValue(x, &c, ruleCtxActs)
	}
}

// contextAgents validates 2.0 context.contextAgents or context.contextGroups
// (2.0 notes §2.1, §2.2): an array of {objectType, agent|group,
// relevantTypes?}; relevantTypes, when present, is a non-empty IRI array.
func (v *validator) contextAgents(key string, val any, p *path) {
	rule, wantType, member := rule2CtxAgents, "contextAgent", "agent"
	if key == "contextGroups" {
		rule, wantType, member = rule2CtxGroups, "contextGroup", "group"
	}
	arr, ok := val.([]any)
	if !ok {
		v.add(p, rule, key+" must be an array")
		return
	}
	for i, e := range arr {
		c := p.i(i)
		m, ok := e.(map[string]any)
		if !ok {
			v.add(&c, rule, "must be a "+wantType+" object")
			continue
		}
		for k, x := range v.properties(m, &c) {
			f := c.k(k)
			switch k {
			case "objectType":
				if x != wantType {
					v.add(&f, rule, "objectType must be \""+wantType+"\"")
				}
			case "agent", "group":
				if k != member {
					v.additional(&f, k, "a "+wantType)
				} else if k == "agent" {
					v.agentOnly(x, &f, rule)
				} else {
					v.groupOnly(x, &f, rule)
				}
			case "relevantTypes":
				types, ok := x.([]any)
				if !ok || len(types) == 0 {
					v.add(&f, rule, "relevantTypes must be a non-empty array of IRIs")
					continue
				}
				for j, t := range types {
					fj := f.i(j)
					v.iri(t, &fj, rule)
				}
			default:
				v.additional(&f, k, "a "+wantType)
			}
		}
		v.required(m, &c, rule, "objectType", member)
	}
}
